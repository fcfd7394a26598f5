//! `Origin`: whose operation a thread is delivering, so that a connection moving between
//! nodes gets every message once, in the order Redis gives both nodes (`moves`).

/// Where the operation a thread delivers comes from. While a connection moves between nodes,
/// it gets messages only in the order Redis gives both nodes (`moves`, `relayed`): this
/// node's own operations published in that time skip it when they run here (`Here`), and
/// reach it when Redis brings them back (`Echo`); one from another node (`Elsewhere`) reaches
/// it as any connection.
/// `Here` and `Echo` carry the operation's number in this node's order of publishing (0: not
/// published).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Here(u64),
    Elsewhere,
    Echo(u64),
}

thread_local! {
    static ORIGIN: std::cell::Cell<Origin> = const { std::cell::Cell::new(Origin::Here(0)) };
}

impl Origin {
    pub(super) fn current() -> Origin {
        ORIGIN.with(|o| o.get())
    }

    /// Runs `f` (on the thread that receives from Redis) delivering as from `self`.
    pub fn run<R>(self, f: impl FnOnce() -> R) -> R {
        /// Puts the thread's origin back even if `f` panics (the thread goes on serving).
        struct Restore(Origin);
        impl Drop for Restore {
            fn drop(&mut self) {
                ORIGIN.with(|o| o.set(self.0));
            }
        }
        let _restore = Restore(ORIGIN.with(|o| o.replace(self)));
        f()
    }
}
