// The startup anchor: a module worker that does nothing but say it is ready.
self.postMessage('ready');
