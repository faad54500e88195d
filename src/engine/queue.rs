//! The event calendar: a 4-ary min-heap ordered by (time, insertion sequence).

/// One pending event: when it fires, a tie-breaking sequence number, and the payload.
#[derive(Clone, Copy, Debug)]
struct Entry<E> {
    /// `f64::to_bits` of a non-negative finite time; for such values the bit pattern
    /// orders exactly like the number, so comparisons are integer comparisons.
    time_bits: u64,
    seq: u64,
    event: E,
}

impl<E> Entry<E> {
    #[inline(always)]
    fn before(&self, other: &Self) -> bool {
        (self.time_bits, self.seq) < (other.time_bits, other.seq)
    }
}

/// Pending events ordered by time, ties broken by the order they were scheduled.
///
/// A 4-ary heap: shallower than a binary heap, and the four children of a node sit in
/// one or two cache lines, which matters once the calendar outgrows the cache. Pushing
/// and popping never allocate once the backing vector has grown to the peak size.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    next_seq: u64,
}

const ARITY: usize = 4;

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty calendar.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty calendar with room for `capacity` pending events before it must grow.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            heap: Vec::with_capacity(capacity),
            next_seq: 0,
        }
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Drops every pending event and restarts the tie-break sequence; keeps the memory.
    pub fn clear(&mut self) {
        self.heap.clear();
        self.next_seq = 0;
    }

    /// Time of the earliest pending event.
    #[inline]
    pub fn peek_time(&self) -> Option<f64> {
        self.heap.first().map(|e| f64::from_bits(e.time_bits))
    }

    /// Adds an event at `time_hours`, which must be finite and non-negative.
    #[inline]
    pub fn push(&mut self, time_hours: f64, event: E) {
        debug_assert!(
            time_hours.is_finite() && time_hours >= 0.0,
            "bad event time {time_hours}"
        );
        // +0.0 and -0.0 compare equal as numbers but not as bits: normalise.
        let time_bits = (time_hours + 0.0).to_bits();
        let entry = Entry {
            time_bits,
            seq: self.next_seq,
            event,
        };
        self.next_seq += 1;
        self.heap.push(entry);
        self.sift_up(self.heap.len() - 1);
    }

    /// Removes and returns the earliest event (earliest scheduled among equal times).
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, E)> {
        let last = self.heap.pop()?;
        let top = if self.heap.is_empty() {
            last
        } else {
            let top = self.heap[0];
            self.sift_down_from_root(last);
            top
        };
        Some((f64::from_bits(top.time_bits), top.event))
    }

    #[inline]
    fn sift_up(&mut self, mut pos: usize) {
        let item = self.heap[pos];
        while pos > 0 {
            let parent = (pos - 1) / ARITY;
            if item.before(&self.heap[parent]) {
                self.heap[pos] = self.heap[parent];
                pos = parent;
            } else {
                break;
            }
        }
        self.heap[pos] = item;
    }

    /// Places `item` at the root's hole and moves it down to where it belongs.
    #[inline]
    fn sift_down_from_root(&mut self, item: Entry<E>) {
        let len = self.heap.len();
        let mut pos = 0;
        loop {
            let first = pos * ARITY + 1;
            if first >= len {
                break;
            }
            let end = (first + ARITY).min(len);
            let mut best = first;
            for child in first + 1..end {
                if self.heap[child].before(&self.heap[best]) {
                    best = child;
                }
            }
            if self.heap[best].before(&item) {
                self.heap[pos] = self.heap[best];
                pos = best;
            } else {
                break;
            }
        }
        self.heap[pos] = item;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order_and_fifo_on_ties() {
        let mut q = EventQueue::new();
        q.push(5.0, 'a');
        q.push(1.0, 'b');
        q.push(5.0, 'c');
        q.push(0.0, 'd');
        q.push(1.0, 'e');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['d', 'b', 'e', 'a', 'c']);
    }

    #[test]
    fn negative_zero_is_zero() {
        let mut q = EventQueue::new();
        q.push(0.0, 1);
        q.push(-0.0, 2);
        assert_eq!(q.pop(), Some((0.0, 1)));
        assert_eq!(q.pop(), Some((0.0, 2)));
    }

    #[test]
    fn matches_a_sorted_reference_on_random_input() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let mut q = EventQueue::new();
        let mut reference = Vec::new();
        for i in 0..5000u32 {
            // Coarse times so that many ties occur.
            let t = f64::from(rng.random_range(0..200u32)) * 0.5;
            q.push(t, i);
            reference.push((t, i));
            if i % 3 == 0 {
                // Interleave pops: the reference pops its minimum by (time, insertion).
                let (k, _) = reference
                    .iter()
                    .enumerate()
                    .min_by(|a, b| a.1.0.total_cmp(&b.1.0).then(a.1.1.cmp(&b.1.1)))
                    .unwrap();
                let expected = reference.remove(k);
                assert_eq!(q.pop(), Some(expected));
            }
        }
        reference.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for expected in reference {
            assert_eq!(q.pop(), Some(expected));
        }
        assert!(q.is_empty());
    }
}
