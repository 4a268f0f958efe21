//! Progress bars of `exist collect`: one per source, counting bytes while the
//! feed downloads, then records while they are stored. Drawn on stderr only
//! when it is a terminal, so scripts and `--json` see clean output.

use std::io::IsTerminal;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bars of one `exist collect`.
pub struct Bars {
    multi: MultiProgress,
}

impl Bars {
    /// Bars drawn on stderr, or nowhere when `hidden` or stderr is no terminal.
    pub fn new(hidden: bool) -> Self {
        let target = if hidden || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        Self {
            multi: MultiProgress::with_draw_target(target),
        }
    }

    /// A bar for source `name`.
    pub fn source(&self, name: &str) -> SourceBar {
        let bar = self.multi.add(ProgressBar::no_length());
        bar.set_style(style(
            "{prefix:>16} {spinner} {bytes} downloaded ({bytes_per_sec})",
        ));
        bar.set_prefix(name.to_owned());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        SourceBar { bar }
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

/// One source's bar.
pub struct SourceBar {
    bar: ProgressBar,
}

impl SourceBar {
    /// Ends the bar with a one-line result.
    pub fn finish(&self, message: String) {
        self.bar.set_style(style("{prefix:>16} {msg}"));
        self.bar.finish_with_message(message);
    }
}

impl exist_core::Progress for SourceBar {
    fn bytes(&self, done: u64, total: Option<u64>) {
        if let Some(t) = total
            && self.bar.length() != Some(t)
        {
            self.bar.set_length(t);
            self.bar.set_style(style(
                "{prefix:>16} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec})",
            ));
        }
        self.bar.set_position(done);
    }

    fn records(&self, done: u64) {
        if self.bar.position() != done {
            self.bar
                .set_style(style("{prefix:>16} {spinner} {pos} records stored"));
            self.bar.unset_length();
            self.bar.set_position(done);
        }
    }
}
