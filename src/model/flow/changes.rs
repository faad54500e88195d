//! Capacities that change on dates (`[[change]]`): a site's beds, a checkpoint's
//! booths, a leg's fleet or timetable, a pool's units, from the change's time on.

use super::{Event, Flow};
use crate::engine::Simulation;
use crate::model::timeseries::{TraceKind, TraceStage};
use crate::scenario::ChangeWhat;

impl Flow {
    /// Applies change `i` of the scenario now.
    pub(super) fn change(&mut self, sim: &mut Simulation<Event>, i: usize) {
        let now = sim.now_hours();
        let net = std::sync::Arc::clone(&self.net);
        match &net.scenario.changes[i].what {
            ChangeWhat::Beds { site, beds } => {
                let s = site.0;
                let st = &mut self.sites[s as usize];
                st.beds = Some(u64::from(*beds));
                st.capacity.set(now, u64::from(*beds));
                // More beds admit those waiting; fewer take no bed away (people over the
                // limit stay until they leave).
                st.claims_changed(now);
                self.bed_freed(s);
                self.note(now, TraceKind::CapacityChange, TraceStage::Site(s), None, None);
            }
            ChangeWhat::Servers { checkpoint, servers } => {
                let k = checkpoint.0;
                self.checkpoints[k as usize].servers = u64::from(*servers);
                self.push_serve(k);
                self.note(now, TraceKind::CapacityChange, TraceStage::Checkpoint(k), None, None);
            }
            ChangeWhat::Vehicles { leg, vehicles } => {
                self.set_vehicles(leg.0, *vehicles);
                self.note(now, TraceKind::CapacityChange, TraceStage::Leg(leg.0), None, None);
            }
            ChangeWhat::Timetable { leg, timetable } => {
                let l = leg.0;
                let st = &mut self.legs[l as usize];
                st.timetable_change = Some(i as u16);
                // Departures already scheduled from the old timetable are void.
                st.slot_gen = st.slot_gen.wrapping_add(1);
                let generation = st.slot_gen;
                if let Some(t) = timetable.next(now, true) {
                    sim.schedule_at(
                        t,
                        Event::Slot {
                            leg: l,
                            generation,
                            settled: false,
                        },
                    );
                    self.pending_slots += 1;
                }
                self.note(now, TraceKind::CapacityChange, TraceStage::Leg(l), None, None);
            }
            ChangeWhat::PoolSize { pool, size } => {
                let p = pool.0;
                let st = &mut self.pools[p as usize];
                st.size = u64::from(*size);
                // More units wake the stages waiting; fewer take none away from a job.
                self.wake_pool(p);
                self.note(now, TraceKind::CapacityChange, TraceStage::Pool(p), None, None);
            }
        }
    }
}
