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

/// The steady state of an M/M/c queue whose waiting people each give up at rate `theta`
/// (M/M/c+M, Erlang A; `theta = 0` for none) and whose line holds at most `room` people
/// (M/M/c/c+room; `None` for unlimited), as the birth-death chain it is: the probability
/// of each number in the system, 0, 1, ... (truncated where the tail is below 1e-15 when
/// unlimited; needs `theta > 0` or `lambda < c mu` then).
pub fn mmc_abandonment(c: u32, lambda: f64, mu: f64, theta: f64, room: Option<u32>) -> Vec<f64> {
    let c = f64::from(c);
    let mut terms = vec![1.0f64];
    let mut n = 0.0f64;
    loop {
        if let Some(r) = room
            && n >= c + f64::from(r)
        {
            break;
        }
        let death = mu * (n + 1.0).min(c) + theta * (n + 1.0 - c).max(0.0);
        let next = terms.last().copied().unwrap_or(0.0) * lambda / death;
        terms.push(next);
        n += 1.0;
        let total: f64 = terms.iter().sum();
        if room.is_none() && n > c && next < 1e-15 * total {
            break;
        }
    }
    let total: f64 = terms.iter().sum();
    terms.iter().map(|t| t / total).collect()
}

/// From the steady state `p` of [`mmc_abandonment`] with `c` servers: the mean number
/// waiting (not in service).
pub fn mean_waiting(p: &[f64], c: u32) -> f64 {
    p.iter()
        .enumerate()
        .map(|(n, x)| x * (n as f64 - f64::from(c)).max(0.0))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abandonment_and_finite_room_reduce_to_the_classic_formulas() {
        // No room to wait and nobody giving up: M/M/c/c, blocking = Erlang B.
        let p = mmc_abandonment(5, 3.0, 1.0, 0.0, Some(0));
        assert!((p[5] - erlang_b(5, 3.0)).abs() < 1e-12);
        // Unlimited room, nobody giving up: M/M/c, P(wait) = Erlang C, Lq = C a/(c - a).
        let p = mmc_abandonment(3, 2.0, 1.0, 0.0, None);
        let waiting: f64 = p[3..].iter().sum();
        assert!((waiting - erlang_c(3, 2.0)).abs() < 1e-9);
        assert!((mean_waiting(&p, 3) - erlang_c(3, 2.0) * 2.0 / (3.0 - 2.0)).abs() < 1e-9);
        // Patience as slow as service with one server: M/M/1+M with theta = mu is M/M/inf
        // (Poisson with mean lambda / mu).
        let p = mmc_abandonment(1, 2.0, 1.0, 1.0, None);
        let poisson3 = (-2.0f64).exp() * 8.0 / 6.0;
        assert!((p[3] - poisson3).abs() < 1e-12);
    }

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
