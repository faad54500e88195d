//! A waiting line of people with priority levels: level 0 is served first, first come
//! first served within a level. People who leave the line early (evade) are removed
//! lazily: the caller decrements the live count at once, and their entries are skipped
//! when they reach the front. Pushing and popping never allocate once the line has grown.

use std::collections::VecDeque;

/// People waiting, by priority level.
#[derive(Clone, Debug, Default)]
pub struct PersonQueue {
    levels: Vec<VecDeque<u32>>,
    live: usize,
}

impl PersonQueue {
    /// An empty line with `levels` priority levels.
    pub fn new(levels: usize) -> Self {
        Self {
            levels: vec![VecDeque::new(); levels.max(1)],
            live: 0,
        }
    }

    /// Empties the line, keeping its memory.
    pub fn clear(&mut self) {
        self.levels.iter_mut().for_each(VecDeque::clear);
        self.live = 0;
    }

    /// People still waiting.
    #[inline]
    pub fn len(&self) -> usize {
        self.live
    }

    /// True if nobody is waiting.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Adds `person` at the back of `level`.
    #[inline]
    pub fn push(&mut self, person: u32, level: usize) {
        let level = level.min(self.levels.len() - 1);
        self.levels[level].push_back(person);
        self.live += 1;
    }

    /// Puts `person` back at the front of `level` (undoing a pop).
    #[inline]
    pub fn push_front(&mut self, person: u32, level: usize) {
        let level = level.min(self.levels.len() - 1);
        self.levels[level].push_front(person);
        self.live += 1;
    }

    /// Records that one waiting person left the line; their entry is skipped later.
    #[inline]
    pub fn remove_one(&mut self) {
        debug_assert!(self.live > 0);
        self.live -= 1;
    }

    /// Takes `person` out of the line at once (for people who give up and may come back,
    /// whose stale entry must not be found later); false if they are not in it.
    pub fn remove(&mut self, person: u32) -> bool {
        for q in &mut self.levels {
            if let Some(i) = q.iter().position(|&x| x == person) {
                q.remove(i);
                self.live -= 1;
                return true;
            }
        }
        false
    }

    /// Takes the next person (highest priority, then earliest), skipping the departed.
    #[inline]
    pub fn pop(&mut self, alive: impl Fn(u32) -> bool) -> Option<(u32, usize)> {
        if self.live == 0 {
            return None;
        }
        for (level, q) in self.levels.iter_mut().enumerate() {
            while let Some(p) = q.pop_front() {
                if alive(p) {
                    self.live -= 1;
                    return Some((p, level));
                }
            }
        }
        None
    }

    /// The live person at the front of each non-empty level (dropping departed entries
    /// found there), for finding who has waited longest.
    pub fn fronts(&mut self, alive: impl Fn(u32) -> bool) -> impl Iterator<Item = u32> + '_ {
        for q in &mut self.levels {
            while q.front().is_some_and(|&p| !alive(p)) {
                q.pop_front();
            }
        }
        self.levels.iter().filter_map(|q| q.front().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_then_fifo_and_lazy_removal() {
        let mut q = PersonQueue::new(3);
        for (p, l) in [(1, 2), (2, 0), (3, 2), (4, 1), (5, 0)] {
            q.push(p, l);
        }
        let gone = [5u32];
        q.remove_one(); // person 5 left
        assert_eq!(q.len(), 4);
        let alive = |p: u32| !gone.contains(&p);
        let order: Vec<u32> = std::iter::from_fn(|| q.pop(alive).map(|(p, _)| p)).collect();
        assert_eq!(order, vec![2, 4, 1, 3]);
        assert!(q.is_empty());
    }

    #[test]
    fn fronts_skip_the_departed() {
        let mut q = PersonQueue::new(2);
        q.push(7, 0);
        q.push(8, 0);
        q.push(9, 1);
        q.remove_one();
        let fronts: Vec<u32> = q.fronts(|p| p != 7).collect();
        assert_eq!(fronts, vec![8, 9]);
        let (p, level) = q.pop(|p| p != 7).unwrap();
        q.push_front(p, level);
        assert_eq!(q.pop(|_| true), Some((8, 0)));
    }
}
