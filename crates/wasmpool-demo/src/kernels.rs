//! Compute kernels of the demo's Rust tasks (the demo, the benchmarks and the
//! tests call them). Plain Rust, target-independent, unit-tested natively.

/// Mandelbrot iteration counts for `rows` rows starting at `y0` of a
/// `width × height` view of [-2.1, 0.9] × [-1.5, 1.5].
pub(crate) fn mandelbrot_rows(width: u32, height: u32, y0: u32, rows: u32, max_iter: u32) -> Vec<u32> {
    let mut out = Vec::with_capacity((width * rows) as usize);
    for y in y0..(y0 + rows).min(height) {
        let ci = y as f64 / height as f64 * 3.0 - 1.5;
        for x in 0..width {
            let cr = x as f64 / width as f64 * 3.0 - 2.1;
            let (mut zr, mut zi, mut i) = (0.0f64, 0.0f64, 0u32);
            while i < max_iter && zr * zr + zi * zi < 4.0 {
                let t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                i += 1;
            }
            out.push(i);
        }
    }
    out
}

/// Sum of a slice (the shared-memory zero-copy demo's kernel).
pub(crate) fn sum(values: &[f64]) -> f64 {
    values.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mandelbrot_interior_and_exterior() {
        let rows = mandelbrot_rows(64, 64, 0, 64, 100);
        assert_eq!(rows.len(), 64 * 64);
        // The origin (x = 2.1/3 * 64 = 44.8, y = 32) is inside the set; a corner is not.
        assert_eq!(rows[32 * 64 + 45], 100);
        assert!(rows[0] < 5);
        // Bands add up to the whole.
        let mut bands = mandelbrot_rows(64, 64, 0, 20, 100);
        bands.extend(mandelbrot_rows(64, 64, 20, 44, 100));
        assert_eq!(bands, rows);
    }

    #[test]
    fn sums() {
        assert_eq!(sum(&[1.0, 2.5, -0.5]), 3.0);
    }
}
