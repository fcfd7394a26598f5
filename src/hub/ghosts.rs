//! How a connection ends for good (kill, release, the TTL), and ghosts: activation, resume
//! tokens, resume. Every change of a connection's life happens under its life lock.

use super::connection::{reason, Connection, Life, Socket};
use super::socket::ending_for_good;
use super::{random_hex_128, Ending, Hub};
use std::sync::Arc;
use std::time::Duration;

impl Hub {
    /// Closes a connection for good, ghost or not (1000, reason `killed`).
    pub fn kill(&self, id: &str) -> Ending {
        let Some(conn) = self.get(id) else {
            return Ending::None;
        };
        let ending = self.end(&conn, |_| true, |socket| socket.close(1000, reason::KILLED));
        // A dormant ghost has no socket to send 1000 on; it is reported as killed all the same.
        match ending {
            Ending::Retired { .. } => Ending::Retired { code: 1000 },
            other => other,
        }
    }

    /// Clears the ghost mark. A dormant ghost ends here; a live one becomes normal. Either way
    /// its resume token dies.
    pub fn release_ghost(&self, id: &str) -> Ending {
        let Some(conn) = self.get(id) else {
            return Ending::None;
        };
        self.end(&conn, |_| conn.is_ghost(), |_| {})
    }

    /// Releases a ghost if it is still dormant and has been for `ttl` (checked under its life
    /// lock, so a resume that just happened wins).
    pub fn release_expired(&self, id: &str, ttl: Duration) -> Ending {
        let Some(conn) = self.get(id) else {
            return Ending::None;
        };
        let expired =
            |life: &Life| matches!(life, Life::Dormant { since, .. } if since.elapsed() >= ttl);
        // `expired` holds only for a dormant ghost: there is never a live socket to close.
        self.end(&conn, expired, |_| {})
    }

    /// Ends `conn` if `applies` (checked under its life lock): the ghost mark and the resume
    /// token go; a live socket is handed to `live` (its tasks report the close), a dormant
    /// ghost is retired here and reported by the caller.
    fn end(
        &self,
        conn: &Arc<Connection>,
        applies: impl FnOnce(&Life) -> bool,
        live: impl FnOnce(&Socket),
    ) -> Ending {
        let ending = {
            let mut life = conn.life.lock();
            if !applies(&life) {
                return Ending::None;
            }
            // Under the life lock: a disconnect racing this sees the mark already cleared.
            conn.ghost
                .store(false, std::sync::atomic::Ordering::Release);
            match &*life {
                Life::Live(socket) => {
                    live(socket);
                    Ending::Handled
                }
                Life::Gone => return Ending::None,
                Life::Dormant { code, .. } => {
                    let code = *code;
                    conn.set_life(&mut life, Life::Gone);
                    Ending::Retired { code }
                }
            }
        };
        match ending {
            Ending::Retired { .. } => self.retire(conn),
            _ => self.forget_token(conn),
        }
        ending
    }

    pub(super) fn forget_token(&self, conn: &Connection) {
        if let Some(token) = conn.resume_token.lock().take() {
            self.tokens.lock().remove(&token);
        }
    }

    /// Marks a connection a ghost; false for an unknown one, or a Pusher client, whose
    /// protocol has no resume.
    pub fn activate_ghost(&self, id: &str) -> bool {
        match self.get_open(id).filter(|c| !c.speaks_pusher()) {
            Some(conn) => {
                conn.ghost.store(true, std::sync::atomic::Ordering::Release);
                true
            }
            None => false,
        }
    }

    pub fn is_ghost(&self, id: &str) -> bool {
        self.get_open(id).is_some_and(|c| c.is_ghost())
    }

    /// Ids of ghosts dormant for at least `ttl`.
    pub fn expired_ghosts(&self, ttl: Duration) -> Vec<String> {
        self.connections
            .read()
            .values()
            .filter(|c| c.is_dormant())
            .filter(|c| matches!(&*c.life.lock(), Life::Dormant { since, .. } if since.elapsed() >= ttl))
            .map(|c| c.id().to_string())
            .collect()
    }

    /// The connection's resume secret, made on first request.
    pub fn resume_token(&self, id: &str) -> Option<String> {
        let conn = self.get_open(id)?;
        let mut token = conn.resume_token.lock();
        // Ended since `get_open`: its end has forgotten its token (`forget_token`, under this
        // lock) or will, and a token made now would keep the connection in `tokens` for good.
        if !conn.is_open() {
            return None;
        }
        if token.is_none() {
            let fresh: Arc<str> = Arc::from(random_hex_128());
            self.tokens.lock().insert(fresh.clone(), conn.clone());
            *token = Some(fresh);
        }
        token.as_ref().map(|t| t.to_string())
    }

    /// A client presents `token`: if it names a ghost, `socket` takes it over and the token is
    /// spent. A dormant ghost wakes up. A ghost whose old socket still looks alive (a network
    /// drop the server has not noticed) is taken over at once: the old socket is closed
    /// (1000, `taken_over`) and its end reported to nobody. Returns the connection and the old
    /// socket, whose `released` the caller awaits before replaying (`restart_outbox`): what
    /// the old writer had taken and not written goes back to the front of the outbox.
    pub fn resume(
        &self,
        token: &str,
        socket: Arc<Socket>,
    ) -> Option<(Arc<Connection>, Option<Arc<Socket>>)> {
        self.take(token, Life::Live(socket))
    }

    /// Takes the ghost `token` names out of reach of its old socket and of the token, which
    /// is spent: its life becomes `next`.
    pub(super) fn take(
        &self,
        token: &str,
        next: Life,
    ) -> Option<(Arc<Connection>, Option<Arc<Socket>>)> {
        let conn = self.tokens.lock().get(token).cloned()?;
        let old = {
            let mut life = conn.life.lock();
            if !conn.is_ghost() {
                return None;
            }
            let old = match &*life {
                Life::Dormant { moving: false, .. } => None,
                // Claimed by another node already: the token is spent.
                Life::Dormant { moving: true, .. } => return None,
                // A socket closing for good (a kill, the stop, a bug) ends the ghost: not
                // taken over.
                Life::Live(old)
                    if old
                        .recorded_cause()
                        .is_some_and(|c| ending_for_good(c.reason)) =>
                {
                    return None
                }
                Life::Live(old) => Some(old.clone()),
                Life::Gone => return None,
            };
            // Spent here, under the life lock: of two clients racing with one token, one wins.
            {
                let mut current = conn.resume_token.lock();
                if current.as_deref() != Some(token) {
                    return None;
                }
                *current = None;
            }
            // Closed before the switch: a send just after it wakes whichever writer waits,
            // and the old one, closing, gives back what it takes instead of writing it to a
            // socket that may be dead.
            if let Some(old) = &old {
                old.close(1000, reason::TAKEN_OVER);
            }
            conn.set_life(&mut life, next);
            conn.reset_backlog();
            old
        };
        self.tokens.lock().remove(token);
        Some((conn, old))
    }
}
