//! Closed forms of queueing theory, used to validate the simulator.

/// Erlang B: probability that an arrival finds all `c` servers busy in an M/M/c/c loss
/// system offered `a = lambda / mu` erlangs.
pub fn erlang_b(c: u32, a: f64) -> f64 {
    // The stable recursion B(k) = a B(k-1) / (k + a B(k-1)), B(0) = 1.
    (1..=c).fold(1.0, |b, k| a * b / (f64::from(k) + a * b))
}

/// Erlang C: probability that an arrival must wait in an M/M/c queue offered `a` erlangs
/// (`a < c`).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let b = erlang_b(c, a);
    f64::from(c) * b / (f64::from(c) - a * (1.0 - b))
}

/// Mean wait in queue of an M/M/c queue with arrival rate `lambda` and service rate `mu`
/// per server (same time unit).
pub fn mmc_mean_wait(c: u32, lambda: f64, mu: f64) -> f64 {
    erlang_c(c, lambda / mu) / (f64::from(c) * mu - lambda)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // M/M/1: P(wait) = rho, Wq = rho / (mu - lambda).
        assert!((erlang_c(1, 0.9) - 0.9).abs() < 1e-12);
        assert!((mmc_mean_wait(1, 9.0, 10.0) - 0.9).abs() < 1e-12);
        // Textbook table values: B(5, 3) = 0.11005, C(2, 1) = 1/3.
        assert!((erlang_b(5, 3.0) - 0.110_054).abs() < 1e-6);
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
    }
}
