// The error a task's Future rejects with, and its signal fires with, when it
// is aborted without a reason: what fetch() gives for an aborted request.

/** @returns {DOMException} */
export const abortError = () => new DOMException('the task was aborted', 'AbortError');
