//! A TCP forwarder in front of a real service (PostgreSQL, the S3 store) that a test can
//! make fail as real outages do: refusing connections (the service stopped) or accepting
//! them and never answering (the service paused, a network black hole).

use std::net::SocketAddr;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the forwarder does with connections.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// Forwards both ways.
    Open,
    /// Closes every connection, open ones included, as a stopped service does.
    Refuse,
    /// Keeps connections open and forwards nothing, as a paused service does.
    Hang,
}

pub struct Forwarder {
    /// `127.0.0.1:PORT`
    pub addr: SocketAddr,
    mode: watch::Sender<Mode>,
    task: tokio::task::JoinHandle<()>,
}

impl Forwarder {
    pub async fn start(target: SocketAddr) -> Forwarder {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (mode, watching) = watch::channel(Mode::Open);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(connection(client, target, watching.clone()));
            }
        });
        Forwarder { addr, mode, task }
    }

    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.task.abort();
        self.mode.send_replace(Mode::Refuse);
    }
}

async fn connection(mut client: TcpStream, target: SocketAddr, mut mode: watch::Receiver<Mode>) {
    loop {
        let now = *mode.borrow_and_update();
        match now {
            Mode::Refuse => {
                let _ = client.shutdown().await;
                return;
            }
            // Held without a byte either way until the mode changes.
            Mode::Hang => {
                if mode.changed().await.is_err() {
                    return;
                }
            }
            Mode::Open => {
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    return;
                };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut client, &mut upstream) => return,
                    // On any change the upstream connection goes; Hang keeps the client's.
                    _ = mode.changed() => {}
                }
            }
        }
    }
}
