//! The event calendar: a radix heap over event times.
//!
//! A discrete-event simulation never schedules into the past, so the times it pops never
//! decrease. A radix heap uses that: it keeps events in 65 buckets by the highest bit in
//! which their time differs from a base (about the time last popped), and only ever
//! splits the lowest non-empty bucket. Its work per event does not grow with the number
//! pending the way a comparison heap's does, and it touches memory in sequence, so it
//! stays fast with a million events pending (see docs/BENCHMARKS.md for the measurements
//! behind the choice). A lowest bucket of a few events is sorted whole instead of split
//! again and again: bucket 0, read front to back, is then a sorted run whose largest time
//! is the base, and a push below the base is inserted into it in order.
//!
//! Times are compared as the bits of non-negative `f64`s, which order like the numbers.
//! Events with equal times come out in the order they were pushed: they always share a
//! bucket, buckets keep their order when split, the sort is stable, and an insertion goes
//! after equal times.

/// Number of buckets: one for "equal to the last time popped", one per differing bit.
const BUCKETS: usize = 65;

/// Room (in events) a bucket keeps after it is split; above it the memory is freed.
const KEEP_AFTER_SPLIT: usize = 1 << 16;

/// A bucket this small is sorted whole when it becomes the earliest, rather than split.
const SORT_WHOLE: usize = 32;

/// Stable sort by time, without allocating (for at most [`SORT_WHOLE`] events).
#[inline]
fn insertion_sort_by_time<E: Copy>(v: &mut [(u64, E)]) {
    for i in 1..v.len() {
        let item = v[i];
        let mut j = i;
        while j > 0 && v[j - 1].0 > item.0 {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = item;
    }
}

/// Pending events ordered by time, ties broken by the order they were scheduled.
///
/// Contract: a time pushed is finite, non-negative and not earlier than the last time
/// popped (the simulation clock). Breaking it is a caller bug, caught by a debug
/// assertion; a release build treats such a time as the last time popped. Peeking may
/// move the heap's internal base ahead to the earliest pending time; a push between the
/// last pop and that base is still in contract and is placed exactly (inserted in order
/// into bucket 0). Pushing and popping never allocate once the buckets have grown to the
/// peak load.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    buckets: Vec<Vec<(u64, E)>>,
    /// The radix base: bits of the largest time in bucket 0, which holds every pending
    /// time up to it, sorted; buckets 1..=64 hold the later ones by their highest bit
    /// differing from it.
    last: u64,
    /// Bits of the last time popped: the earliest time a push may use.
    popped: u64,
    /// Next unread position in bucket 0 (which is read front to back).
    head: usize,
    len: usize,
    /// Bit `i - 1` set when bucket `i` (1..=64) may be non-empty.
    occupied: u64,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

#[inline(always)]
fn bits(time_hours: f64) -> u64 {
    // +0.0 and -0.0 compare equal as numbers but not as bits: normalise.
    (time_hours + 0.0).to_bits()
}

impl<E: Copy> EventQueue<E> {
    /// An empty calendar.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty calendar with room for about `capacity` pending events before it grows.
    pub fn with_capacity(capacity: usize) -> Self {
        let mut buckets: Vec<Vec<(u64, E)>> = (0..BUCKETS).map(|_| Vec::new()).collect();
        // Most events land in the low buckets of the current time scale.
        buckets[0].reserve(capacity.min(1024));
        Self {
            buckets,
            last: 0,
            popped: 0,
            head: 0,
            len: 0,
            occupied: 0,
        }
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Drops every pending event and resets the clock bound to zero; keeps the memory.
    pub fn clear(&mut self) {
        self.buckets.iter_mut().for_each(Vec::clear);
        self.last = 0;
        self.popped = 0;
        self.head = 0;
        self.len = 0;
        self.occupied = 0;
    }

    #[inline(always)]
    fn bucket_of(&self, key: u64) -> usize {
        (u64::BITS - (key ^ self.last).leading_zeros()) as usize
    }

    /// Adds an event at `time_hours`, which must be finite, non-negative and not before
    /// the last time popped (see the type's contract).
    #[inline]
    pub fn push(&mut self, time_hours: f64, event: E) {
        debug_assert!(
            time_hours.is_finite() && time_hours >= 0.0,
            "bad event time {time_hours}"
        );
        debug_assert!(
            bits(time_hours) >= self.popped,
            "event scheduled before the last one popped"
        );
        let key = bits(time_hours).max(self.popped);
        if key > self.last {
            let b = self.bucket_of(key);
            self.buckets[b].push((key, event));
            self.occupied |= 1 << (b - 1);
        } else if key == self.last {
            // Not below anything in bucket 0, whose largest time is `last`.
            self.buckets[0].push((key, event));
        } else {
            self.insert_front(key, event);
        }
        self.len += 1;
    }

    /// Places an event earlier than the radix base into bucket 0 in time order (after
    /// any equal times). Bucket 0 is then a sorted run (a small bucket sorted whole by
    /// [`EventQueue::refill`], or equal times after a peek), so this is a short move.
    #[cold]
    fn insert_front(&mut self, key: u64, event: E) {
        let front = &mut self.buckets[0];
        if self.head == front.len() {
            // Nothing unread below the base: only a contract breach gets here.
            self.rebase(key);
            let b = self.bucket_of(key);
            self.buckets[b].push((key, event));
            if b > 0 {
                self.occupied |= 1 << (b - 1);
            }
            return;
        }
        let at = self.head + front[self.head..].partition_point(|e| e.0 <= key);
        front.insert(at, (key, event));
    }

    /// Lowers the radix base to `key` (below everything pending) by redistributing every
    /// pending event. Equal times share a bucket and buckets keep their order, so ties
    /// stay in scheduling order. Only a push that breaks the contract can need it.
    #[cold]
    fn rebase(&mut self, key: u64) {
        let mut all: Vec<(u64, E)> = Vec::with_capacity(self.len);
        let head = self.head;
        all.extend(self.buckets[0].drain(..).skip(head));
        for b in 1..BUCKETS {
            all.append(&mut self.buckets[b]);
        }
        self.head = 0;
        self.occupied = 0;
        self.last = key;
        // Stable by time: equal times keep the order they were pushed in.
        all.sort_by_key(|e| e.0);
        for item in all {
            let b = self.bucket_of(item.0);
            self.buckets[b].push(item);
            if b > 0 {
                self.occupied |= 1 << (b - 1);
            }
        }
    }

    /// Makes bucket 0 hold the earliest events, sorting or splitting the lowest non-empty
    /// bucket if bucket 0 is used up. Returns false when nothing is pending.
    #[inline]
    fn refill(&mut self) -> bool {
        if self.head < self.buckets[0].len() {
            return true;
        }
        self.buckets[0].clear();
        self.head = 0;
        if self.len == 0 {
            return false;
        }
        if self.occupied == 0 {
            return false;
        }
        let i = self.occupied.trailing_zeros() as usize + 1;
        self.occupied &= !(1 << (i - 1));
        let mut split = std::mem::take(&mut self.buckets[i]);
        if split.len() <= SORT_WHOLE {
            // A few events: sort them once and read them in order, instead of splitting
            // them bucket by bucket. Everything in higher buckets is later than all of
            // them and keeps its bucket against the new base, their largest time.
            insertion_sort_by_time(&mut split);
            self.last = split[split.len() - 1].0;
            std::mem::swap(&mut self.buckets[0], &mut split);
            self.buckets[i] = split;
            return true;
        }
        self.last = split
            .iter()
            .map(|e| e.0)
            .min()
            .expect("an occupied bucket is not empty");
        if split.len() > KEEP_AFTER_SPLIT {
            self.split_in_place(i, split);
            return true;
        }
        for item in split.drain(..) {
            let b = self.bucket_of(item.0);
            self.buckets[b].push(item);
            if b > 0 {
                self.occupied |= 1 << (b - 1);
            }
        }
        // A bucket keeps its memory for the next time it fills (no allocation in steady
        // state), except a large one: its events now sit in the lower buckets, which
        // have grown to hold them, so keeping it too would hold them twice. Freeing it
        // costs one allocation per split of this size, nothing beside the split's work.
        if split.capacity() > KEEP_AFTER_SPLIT {
            split = Vec::new();
        }
        self.buckets[i] = split;
        true
    }

    /// Splits bucket `i` (more than [`KEEP_AFTER_SPLIT`] events, already taken out as
    /// `split`, `last` already lowered) so that its memory is not held twice while the
    /// lower buckets fill: the lower bucket that receives the most of its events keeps
    /// them where they are (moved down in order, so ties keep their order) and takes
    /// over its memory, shrunk to fit; only the rest is copied into the other buckets.
    /// The events end in the same buckets, in the same order, as a plain split.
    #[cold]
    fn split_in_place(&mut self, i: usize, mut split: Vec<(u64, E)>) {
        let mut counts = [0usize; BUCKETS];
        for e in &split {
            counts[self.bucket_of(e.0)] += 1;
        }
        let keep = (0..i).max_by_key(|&b| counts[b]).unwrap_or(0);
        let mut kept = 0;
        for r in 0..split.len() {
            let item = split[r];
            let b = self.bucket_of(item.0);
            if b == keep {
                split[kept] = item;
                kept += 1;
            } else {
                self.buckets[b].push(item);
                if b > 0 {
                    self.occupied |= 1 << (b - 1);
                }
            }
        }
        split.truncate(kept);
        split.shrink_to_fit();
        if keep > 0 && kept > 0 {
            self.occupied |= 1 << (keep - 1);
        }
        // Bucket `keep` is empty (every bucket below `i` is); its memory goes to `i`,
        // freed if large as a plain split frees it.
        let mut spare = std::mem::replace(&mut self.buckets[keep], split);
        debug_assert!(spare.is_empty());
        if spare.capacity() > KEEP_AFTER_SPLIT {
            spare = Vec::new();
        }
        self.buckets[i] = spare;
    }

    /// Time of the earliest pending event.
    #[inline]
    pub fn peek_time(&mut self) -> Option<f64> {
        if self.refill() {
            Some(f64::from_bits(self.buckets[0][self.head].0))
        } else {
            None
        }
    }

    /// Removes and returns the earliest event (earliest scheduled among equal times).
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, E)> {
        if !self.refill() {
            return None;
        }
        let (key, event) = self.buckets[0][self.head];
        self.head += 1;
        self.len -= 1;
        self.popped = key;
        Some((f64::from_bits(key), event))
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
        assert_eq!(q.peek_time(), None);
    }

    /// A bucket of more than `KEEP_AFTER_SPLIT` events is split in place (the lower bucket
    /// taking most of them keeps its memory): pops still come in time order, ties in
    /// the order pushed, also with pushes between pops landing in every bucket.
    #[test]
    fn large_buckets_split_in_place_keep_time_and_tie_order() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        let mut q = EventQueue::new();
        let mut reference: Vec<(f64, u32)> = Vec::new();
        let n = 4 * KEEP_AFTER_SPLIT as u32;
        for i in 0..n {
            // Times on a coarse grid (many ties), spread over several binary scales.
            let t = f64::from(rng.random_range(0..4_000u32)) * 0.125 + 1.0;
            q.push(t, i);
            reference.push((t, i));
        }
        reference.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut expected = reference.into_iter().peekable();
        let mut late: Vec<(f64, u32)> = Vec::new();
        let mut popped = 0;
        while let Some((t, e)) = q.pop() {
            // Events pushed between pops (after everything else at their time).
            if let Some(&(tl, el)) = late.first()
                && (tl < expected.peek().map_or(f64::INFINITY, |x| x.0))
            {
                assert_eq!((t, e), (tl, el));
                late.remove(0);
                continue;
            }
            assert_eq!(Some((t, e)), expected.next(), "after {popped} pops");
            popped += 1;
            if popped % 50_000 == 0 {
                let tl = t + 600.0;
                q.push(tl, n + popped);
                late.push((tl, n + popped));
            }
        }
        assert!(expected.next().is_none() && late.is_empty());
    }

    /// As a simulation uses it: every push at or after the last time popped (often right
    /// after a peek has moved the base ahead), with many ties, checked against a sorted
    /// reference ordered by (time, insertion).
    #[test]
    fn matches_a_sorted_reference_on_random_monotone_input() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let mut q = EventQueue::new();
        let mut reference: Vec<(f64, u32)> = Vec::new();
        let mut now = 0.0f64;
        for i in 0..20_000u32 {
            // Coarse offsets (often zero) so that many ties occur; now and then a far one.
            let offset = if rng.random_range(0..50u32) == 0 {
                f64::from(rng.random_range(0..100_000u32))
            } else {
                f64::from(rng.random_range(0..8u32)) * 0.25
            };
            q.push(now + offset, i);
            reference.push((now + offset, i));
            if rng.random_range(0..4u32) == 0 {
                // A peek moves the base ahead; the next pushes may land below it.
                let earliest = reference.iter().map(|e| e.0).min_by(f64::total_cmp);
                assert_eq!(q.peek_time(), earliest);
            }
            if rng.random_range(0..3u32) == 0 {
                let (k, _) = reference
                    .iter()
                    .enumerate()
                    .min_by(|a, b| a.1.0.total_cmp(&b.1.0).then(a.1.1.cmp(&b.1.1)))
                    .unwrap();
                let expected = reference.remove(k);
                assert_eq!(q.peek_time(), Some(expected.0));
                assert_eq!(q.pop(), Some(expected));
                now = expected.0;
            }
            assert_eq!(q.len(), reference.len());
        }
        reference.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut last = now;
        for expected in reference {
            assert_eq!(q.pop(), Some(expected));
            last = expected.0;
        }
        assert!(q.is_empty());
        q.push(last + 3.0, 1);
        q.clear();
        assert_eq!(q.pop(), None);
        q.push(0.5, 9);
        assert_eq!(q.pop(), Some((0.5, 9)), "clear resets the lower bound");
    }
}
