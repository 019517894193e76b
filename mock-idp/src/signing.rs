//! The threads that make signed responses, off the async workers.
//!
//! A doubly signed response costs about 0.6 ms of CPU (two RSA-2048 signatures), which inline
//! would hold an async worker, and every connection it serves, that long. tokio's blocking
//! pool starts a thread per waiting request and, on a small machine under load, costs about 10%
//! more CPU per response in switches between many more threads than cores; a fixed pool of
//! one thread per core keeps the workers free at almost no cost.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

/// The pool; its threads end when it is dropped.
pub(crate) struct Signers {
    jobs: Mutex<Sender<Job>>,
}

impl std::fmt::Debug for Signers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signers").finish_non_exhaustive()
    }
}

/// The job did not finish (it panicked, or the pool is gone).
#[derive(Debug)]
pub(crate) struct Lost;

impl Signers {
    /// One thread per core.
    pub(crate) fn new() -> Self {
        let n = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..n {
            let rx = Arc::clone(&rx);
            // A thread that cannot start leaves the others; with none, every job is `Lost`.
            let _ = std::thread::Builder::new()
                .name(format!("samlscope-sign-{i}"))
                .spawn(move || work(&rx));
        }
        Self {
            jobs: Mutex::new(tx),
        }
    }

    /// Runs `f` on the pool and waits for its result without holding an async worker.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Lost> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        self.jobs
            .lock()
            .map_err(|_| Lost)?
            .send(job)
            .map_err(|_| Lost)?;
        rx.await.map_err(|_| Lost)
    }
}

fn work(jobs: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only to take the next job.
        let next = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = next else { return };
        // A panicking job drops its result sender (the caller sees `Lost`); the thread stays.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
    }
}
