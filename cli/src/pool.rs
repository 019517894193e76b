//! An ordered parallel map for batch checks: the main thread submits jobs in input order, a
//! few worker threads (one per core) run them, and every result is handed back in submission
//! order, never more than a bounded window ahead of the slowest one still running.
//!
//! The main thread keeps everything that depends on order (reading, decoding under the run's
//! caps and inflate budget, counting, printing); the workers only compute. An entry the main
//! thread already has (an unreadable input) takes its place in the same order without a worker.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

/// A worker panicked on a job: the run cannot say what that message was, so it must not pass.
#[derive(Debug)]
pub struct WorkerFailed;

/// Jobs in flight (submitted, not yet handed back) per worker: enough that no worker waits
/// for the main thread, few enough that memory stays bounded (with `check`'s chunks of 16, a
/// few hundred messages: about 4 MB of XML and output on two cores).
const WINDOW_PER_WORKER: usize = 8;

/// The number of workers: one per core the process may use.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

pub struct Ordered<J, R> {
    jobs: Option<Sender<(u64, J)>>,
    results: Receiver<(u64, Option<R>)>,
    /// Entries in submission order, from `base` on: `None` while its job runs.
    queue: VecDeque<Option<R>>,
    base: u64,
    window: usize,
}

/// Runs `body` with an [`Ordered`] whose jobs `work` runs on `workers` threads; returns what
/// `body` returns once every worker has stopped.
pub fn scope<J, R, T>(
    workers: usize,
    work: impl Fn(J) -> R + Sync,
    body: impl FnOnce(&mut Ordered<J, R>) -> T,
) -> T
where
    J: Send,
    R: Send,
{
    let workers = workers.max(1);
    let (job_tx, job_rx) = channel::<(u64, J)>();
    let (result_tx, result_rx) = channel::<(u64, Option<R>)>();
    let job_rx = Arc::new(Mutex::new(job_rx));
    let work = &work;
    std::thread::scope(|s| {
        for _ in 0..workers {
            let jobs = Arc::clone(&job_rx);
            let results = result_tx.clone();
            s.spawn(move || {
                loop {
                    // The lock is held only to take the next job.
                    let next = match jobs.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, job)) = next else { return };
                    let r = std::panic::catch_unwind(AssertUnwindSafe(|| work(job))).ok();
                    if results.send((seq, r)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(result_tx);
        let mut ordered = Ordered {
            jobs: Some(job_tx),
            results: result_rx,
            queue: VecDeque::new(),
            base: 0,
            window: workers * WINDOW_PER_WORKER,
        };
        let out = body(&mut ordered);
        // Closing the job channel stops the workers; the scope joins them.
        ordered.jobs = None;
        out
    })
}

impl<J, R> Ordered<J, R> {
    /// Queues `job`; hands every result that is next in order to `emit`. Blocks while the
    /// window is full.
    pub fn submit(&mut self, job: J, emit: &mut impl FnMut(R)) -> Result<(), WorkerFailed> {
        let seq = self.base + self.queue.len() as u64;
        self.queue.push_back(None);
        match &self.jobs {
            Some(tx) if tx.send((seq, job)).is_ok() => {}
            _ => return Err(WorkerFailed),
        }
        while self.queue.len() >= self.window {
            self.receive_one()?;
            self.emit_ready(emit);
        }
        self.poll(emit)
    }

    /// An entry that needs no worker, in its place in the order.
    pub fn ready(&mut self, r: R, emit: &mut impl FnMut(R)) {
        self.queue.push_back(Some(r));
        self.emit_ready(emit);
    }

    /// Waits for every job submitted, handing each result to `emit` in order.
    pub fn drain(&mut self, emit: &mut impl FnMut(R)) -> Result<(), WorkerFailed> {
        self.emit_ready(emit);
        while !self.queue.is_empty() {
            self.receive_one()?;
            self.emit_ready(emit);
        }
        Ok(())
    }

    /// Takes the results already there without waiting.
    fn poll(&mut self, emit: &mut impl FnMut(R)) -> Result<(), WorkerFailed> {
        while let Ok((seq, r)) = self.results.try_recv() {
            self.place(seq, r)?;
        }
        self.emit_ready(emit);
        Ok(())
    }

    fn receive_one(&mut self) -> Result<(), WorkerFailed> {
        let (seq, r) = self.results.recv().map_err(|_| WorkerFailed)?;
        self.place(seq, r)
    }

    fn place(&mut self, seq: u64, r: Option<R>) -> Result<(), WorkerFailed> {
        let r = r.ok_or(WorkerFailed)?;
        let slot = usize::try_from(seq - self.base)
            .ok()
            .and_then(|i| self.queue.get_mut(i))
            .ok_or(WorkerFailed)?;
        *slot = Some(r);
        Ok(())
    }

    fn emit_ready(&mut self, emit: &mut impl FnMut(R)) {
        while let Some(Some(_)) = self.queue.front() {
            if let Some(Some(r)) = self.queue.pop_front() {
                self.base += 1;
                emit(r);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_submission_order_with_ready_entries_in_place() {
        for workers in [1, 2, 4] {
            let mut seen = Vec::new();
            scope(
                workers,
                |i: u64| {
                    // Later jobs finish first.
                    std::thread::sleep(std::time::Duration::from_micros((200 - i) * 10));
                    i
                },
                |o| {
                    let mut emit = |r: u64| seen.push(r);
                    for i in 0..200u64 {
                        if i % 7 == 3 {
                            o.ready(i, &mut emit);
                        } else {
                            o.submit(i, &mut emit).unwrap();
                        }
                        assert!(o.queue.len() <= o.window);
                    }
                    o.drain(&mut emit).unwrap();
                },
            );
            assert_eq!(seen, (0..200).collect::<Vec<_>>(), "{workers} workers");
        }
    }

    #[test]
    fn a_panicking_job_fails_the_run() {
        let r = scope(
            2,
            |i: u32| {
                assert!(i != 5, "job 5");
                i
            },
            |o| {
                let mut emit = |_| {};
                for i in 0..10 {
                    o.submit(i, &mut emit)?;
                }
                o.drain(&mut emit)
            },
        );
        assert!(r.is_err());
    }
}
