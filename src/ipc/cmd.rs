//! Command letters on the wire and the command words of `smcroutectl`.
//!
//! Word matching follows SMCRoute: the table is searched in order, comparing
//! `min(len(word), len(entry))` bytes, so any prefix of an entry matches (first hit wins:
//! `r` is `reload`, `rem` is `remove`) and so does any word that starts with a full entry
//! (`showx` is `show`). Unlike SMCRoute, an empty word matches nothing.

use crate::texts::{index_of, padded};

/// A request's command letter (`struct ipc_msg.cmd`).
///
/// The discriminants are the letters themselves: [`IpcCmd::letter`] is a cast, not a
/// lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum IpcCmd {
    /// `a`: add a route.
    Add = b'a',
    /// `r`: remove a route.
    Remove = b'r',
    /// `j`: join a group.
    Join = b'j',
    /// `l`: leave a group.
    Leave = b'l',
    /// `F`: flush learned routes.
    Flush = b'F',
    /// `H`: reload the conf (SIGHUP).
    Reload = b'H',
    /// `k`: stop the daemon.
    Kill = b'k',
    /// `s`: show, brief.
    Show = b's',
    /// `S`: show, detailed.
    ShowDetail = b'S',
    /// `J`: show, JSON.
    ShowJson = b'J',
}

impl IpcCmd {
    /// The letter sent on the wire.
    pub const fn letter(self) -> u8 {
        self as u8
    }

    /// The command of a wire letter; `None` for letters SMCRoute does not know.
    pub const fn from_letter(letter: u8) -> Option<Self> {
        Some(match letter {
            b'a' => Self::Add,
            b'r' => Self::Remove,
            b'j' => Self::Join,
            b'l' => Self::Leave,
            b'F' => Self::Flush,
            b'H' => Self::Reload,
            b'k' => Self::Kill,
            b's' => Self::Show,
            b'S' => Self::ShowDetail,
            b'J' => Self::ShowJson,
            _ => return None,
        })
    }

    /// True for the three show variants, whose reply is output, not a status.
    pub const fn is_show(self) -> bool {
        // `s` and `S` are the letters that are `S` with the lowercase bit cleared: two
        // compares, not a range check and a bit test of a 64-bit mask.
        self as u8 & !0x20 == b'S' || matches!(self, Self::ShowJson)
    }
}

/// The table a show request asks for, chosen by the first letter of its first argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowTable {
    /// `show routes` (also any other word, or none).
    Routes,
    /// `show groups`.
    Groups,
    /// `show interfaces`.
    Interfaces,
    /// `show pending`.
    Pending,
}

impl ShowTable {
    /// The table the daemon shows for these show arguments.
    pub fn from_args(args: &[&str]) -> Self {
        match args.first().and_then(|a| a.bytes().next()) {
            Some(b'g') => Self::Groups,
            Some(b'i') => Self::Interfaces,
            Some(b'p') => Self::Pending,
            _ => Self::Routes,
        }
    }
}

/// What a command word does in `smcroutectl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Print usage, or the help of the named command.
    Help,
    /// Print the version.
    Version,
    /// Send this request to the daemon (show picks its letter from `-d`/`-j`).
    Send(IpcCmd),
}

/// One row of the command table: bytes only (the word inline, the texts by index into
/// [`HELP_TEXTS`](crate::args::HELP_TEXTS)), so the table is in `.rodata`, not 48 bytes
/// of string slices a row in the RELRO region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CmdSpec {
    /// The full command word.
    pub word: Word,
    /// What it does.
    pub action: Action,
    /// Fewest words that must follow it.
    pub min_args: u8,
    /// For an alias, left out of the usage list: the index in [`COMMANDS`] of the entry
    /// it stands for (whose word its help prints). 0, never an alias's (it is `help`),
    /// for the others. An index, not a search of the table by action.
    alias_of: u8,
    /// One-line help: index in [`HELP_TEXTS`](crate::args::HELP_TEXTS).
    help: u8,
    /// Example arguments for `help CMD`: index in [`HELP_TEXTS`](crate::args::HELP_TEXTS).
    example: u8,
}

impl CmdSpec {
    /// An alias, left out of the usage list.
    pub const fn is_alias(&self) -> bool {
        self.alias_of != 0
    }

    /// The one-line help, with its newline (every place that writes it ends the line):
    /// its index in [`HELP_TEXTS`](crate::args::HELP_TEXTS).
    pub const fn help_index(&self) -> usize {
        self.help as usize
    }

    /// The example arguments for `help CMD` as written there, after the blank that
    /// follows the command word, and with the blank line after them (stored with them:
    /// two pieces fewer to write; the blank and the newlines alone for none): their index
    /// in [`HELP_TEXTS`](crate::args::HELP_TEXTS).
    pub fn example_index(&self) -> usize {
        usize::from(self.example)
    }
}

/// A command word: its length and its bytes, padded with blanks (the longest are 7
/// bytes): the usage list writes the padded word, SMCRoute's `%-7s`, as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    len: u8,
    bytes: [u8; 7],
}

impl Word {
    const fn new(word: &str) -> Self {
        let mut bytes: [u8; 7] = padded(word, 0);
        let mut i = word.len();
        while i < bytes.len() {
            bytes[i] = b' ';
            i += 1;
        }
        Self {
            len: word.len() as u8,
            bytes,
        }
    }

    /// The word padded with blanks to 7 bytes.
    pub const fn padded(&self) -> &[u8; 7] {
        &self.bytes
    }

    /// The word without its padding.
    pub fn as_bytes(&self) -> &[u8] {
        // Masked: the length is at most 7 (`new` checks it), and the compiler then knows
        // (one `and`, where `min` is a compare and a conditional move).
        let len = usize::from(self.len & 7);
        self.bytes.get(..len).unwrap_or(&self.bytes)
    }
}

/// The help texts and examples of [`COMMANDS`]: the first texts of
/// [`HELP_TEXTS`](crate::args::HELP_TEXTS), their indexes there.
pub const CMD_TEXT_PARTS: [&str; 14] = [
    " \n\n",
    "Show help text\n",
    "Show program version and support information\n",
    "Flush all dynamically installed (*,G) multicast routes\n",
    "Kill running daemon\n",
    "Reload .conf file, like SIGHUP\n",
    "Show status of routes, joined groups, interfaces, etc.\n",
    "Add a multicast route\n",
    " eth0 192.168.2.42 225.1.2.3 eth1 eth2\n\n",
    "Remove a multicast route\n",
    " eth0 192.168.2.42 225.1.2.3\n\n",
    "Join multicast group on an interface\n",
    " eth0 225.1.2.3\n\n",
    "Leave joined multicast group\n",
];

const fn spec(
    word: &'static str,
    action: Action,
    min_args: u8,
    help: &'static str,
    example: &'static str,
) -> CmdSpec {
    CmdSpec {
        word: Word::new(word),
        action,
        min_args,
        alias_of: 0,
        help: index_of(&CMD_TEXT_PARTS, help) as u8,
        example: index_of(&CMD_TEXT_PARTS, example) as u8,
    }
}

/// An alias of the entry at `at` in [`COMMANDS`], `of` (checked where the table is).
const fn alias(of: CmdSpec, at: usize, word: &'static str) -> CmdSpec {
    CmdSpec {
        word: Word::new(word),
        alias_of: at as u8,
        ..of
    }
}

/// Where `version` is in [`COMMANDS`] (`smcrouted -h` prints its help text too).
pub const VERSION: usize = 1;
static_assertions::const_assert!(matches!(COMMANDS[VERSION].action, Action::Version));

/// Where [`RELOAD`] and [`REMOVE`] are in [`COMMANDS`].
const RELOAD_AT: usize = 4;
const REMOVE_AT: usize = 8;
static_assertions::const_assert!(
    COMMANDS[RELOAD_AT].help == RELOAD.help && COMMANDS[RELOAD_AT].alias_of == 0
);
static_assertions::const_assert!(
    COMMANDS[REMOVE_AT].help == REMOVE.help && COMMANDS[REMOVE_AT].alias_of == 0
);

const RELOAD: CmdSpec = spec(
    "reload",
    Action::Send(IpcCmd::Reload),
    0,
    "Reload .conf file, like SIGHUP\n",
    " \n\n",
);
const REMOVE: CmdSpec = spec(
    "remove",
    Action::Send(IpcCmd::Remove),
    2,
    "Remove a multicast route\n",
    " eth0 192.168.2.42 225.1.2.3\n\n",
);

/// The command words, in SMCRoute's matching order.
pub const COMMANDS: [CmdSpec; 12] = [
    spec("help", Action::Help, 0, "Show help text\n", " \n\n"),
    spec(
        "version",
        Action::Version,
        0,
        "Show program version and support information\n",
        " \n\n",
    ),
    spec(
        "flush",
        Action::Send(IpcCmd::Flush),
        0,
        "Flush all dynamically installed (*,G) multicast routes\n",
        " \n\n",
    ),
    spec(
        "kill",
        Action::Send(IpcCmd::Kill),
        0,
        "Kill running daemon\n",
        " \n\n",
    ),
    RELOAD,
    alias(RELOAD, RELOAD_AT, "restart"),
    spec(
        "show",
        Action::Send(IpcCmd::Show),
        0,
        "Show status of routes, joined groups, interfaces, etc.\n",
        " \n\n",
    ),
    spec(
        "add",
        Action::Send(IpcCmd::Add),
        3,
        "Add a multicast route\n",
        " eth0 192.168.2.42 225.1.2.3 eth1 eth2\n\n",
    ),
    REMOVE,
    alias(REMOVE, REMOVE_AT, "del"),
    spec(
        "join",
        Action::Send(IpcCmd::Join),
        2,
        "Join multicast group on an interface\n",
        " eth0 225.1.2.3\n\n",
    ),
    spec(
        "leave",
        Action::Send(IpcCmd::Leave),
        2,
        "Leave joined multicast group\n",
        " eth0 225.1.2.3\n\n",
    ),
];

/// The command a word names, by SMCRoute's prefix rule.
pub fn lookup(word: &str) -> Option<&'static CmdSpec> {
    if word.is_empty() {
        return None;
    }
    // Over the shorter of the two: a zip of their bytes (no slices of both cut to it).
    COMMANDS
        .iter()
        .find(|c| word.bytes().zip(c.word.as_bytes()).all(|(a, &b)| a == b))
}

/// The first command word in `words` and the words after it; earlier words are skipped. Not
/// inlined into `smcroutectl`'s command runner on x86_64 (-44 B; on MIPS16e the
/// standalone `smcroutectl` is 16 B bigger so).
#[cfg_attr(target_arch = "x86_64", inline(never))]
pub fn find<'w>(mut words: &'w [&'w str]) -> Option<(&'static CmdSpec, &'w [&'w str])> {
    // The words after it are the tail of the walk: no slicing of `words` by an index.
    while let [word, rest @ ..] = words {
        if let Some(c) = lookup(word) {
            return Some((c, rest));
        }
        words = rest;
    }
    None
}

/// The entry an alias prints its help from: the visible entry it stands for.
pub fn help_entry(cmd: &'static CmdSpec) -> &'static CmdSpec {
    match cmd.alias_of {
        0 => cmd,
        at => COMMANDS.get(usize::from(at)).unwrap_or(cmd),
    }
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::HELP_TEXTS;

    fn word(w: &str) -> Option<&'static str> {
        lookup(w).map(|c| std::str::from_utf8(c.word.as_bytes()).unwrap())
    }

    #[test]
    fn abbreviations() {
        for (w, want) in [
            ("h", "help"),
            ("v", "version"),
            ("f", "flush"),
            ("k", "kill"),
            ("r", "reload"),
            ("re", "reload"),
            ("rel", "reload"),
            ("res", "restart"),
            ("rem", "remove"),
            ("d", "del"),
            ("s", "show"),
            ("showx", "show"),
            ("a", "add"),
            ("j", "join"),
            ("l", "leave"),
            ("helpme", "help"),
        ] {
            assert_eq!(word(w), Some(want), "{w}");
        }
        assert_eq!(word(""), None);
        assert_eq!(word("x"), None);
        assert_eq!(word("sh0w"), None);
    }

    #[test]
    fn find_skips_leading_words() {
        assert_eq!(
            find(&["foo", "show", "groups"]).map(|(c, rest)| (c.word.as_bytes(), rest)),
            Some((&b"show"[..], &["groups"][..]))
        );
        assert_eq!(find(&["foo", "bar"]), None);
        assert_eq!(find(&[]), None);
    }

    #[test]
    fn min_args_and_letters() {
        let min = |w| lookup(w).unwrap().min_args;
        assert_eq!(
            (
                min("add"),
                min("remove"),
                min("del"),
                min("join"),
                min("leave")
            ),
            (3, 2, 2, 2, 2)
        );
        assert_eq!(min("show"), 0);
        for c in COMMANDS {
            if let Action::Send(cmd) = c.action {
                assert_eq!(IpcCmd::from_letter(cmd.letter()), Some(cmd));
            }
        }
        assert_eq!(IpcCmd::from_letter(b'x'), None);
        assert!(IpcCmd::ShowJson.is_show() && !IpcCmd::Kill.is_show());
        assert_eq!(IpcCmd::from_letter(b'S'), Some(IpcCmd::ShowDetail));
        assert_eq!(IpcCmd::from_letter(b'J'), Some(IpcCmd::ShowJson));
    }

    #[test]
    fn aliases_print_their_targets_help() {
        let entry = |w| help_entry(lookup(w).unwrap()).word.as_bytes();
        assert_eq!(entry("del"), b"remove");
        assert_eq!(entry("restart"), b"reload");
        assert_eq!(entry("add"), b"add");
        let text = |w, example| {
            let mut out = std::vec::Vec::new();
            let put = &mut |b: &[u8]| out.extend_from_slice(b);
            let c = lookup(w).unwrap();
            let i = if example {
                c.example_index()
            } else {
                c.help_index()
            };
            HELP_TEXTS.put(i, b"", put);
            out
        };
        assert_eq!(text("del", false), b"Remove a multicast route\n");
        assert_eq!(
            text("add", true),
            b" eth0 192.168.2.42 225.1.2.3 eth1 eth2\n\n"
        );
        assert_eq!(text("help", true), b" \n\n");
        // Every text as it was, packed with the others.
        for (i, part) in CMD_TEXT_PARTS.iter().enumerate() {
            let mut out = std::vec::Vec::new();
            HELP_TEXTS.put(i, b"", &mut |b: &[u8]| out.extend_from_slice(b));
            assert_eq!(out, part.as_bytes());
        }
    }

    #[test]
    fn show_table_by_first_letter() {
        assert_eq!(ShowTable::from_args(&[]), ShowTable::Routes);
        assert_eq!(ShowTable::from_args(&["groups"]), ShowTable::Groups);
        assert_eq!(ShowTable::from_args(&["ifaces"]), ShowTable::Interfaces);
        assert_eq!(ShowTable::from_args(&["p"]), ShowTable::Pending);
        assert_eq!(ShowTable::from_args(&["routes"]), ShowTable::Routes);
        assert_eq!(ShowTable::from_args(&[""]), ShowTable::Routes);
    }
}
