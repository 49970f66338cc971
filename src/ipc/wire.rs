//! The request frame, byte for byte as SMCRoute's `struct ipc_msg` (src/msg.h).
//!
//! ```text
//!  0                   size_of::<usize>()      +2      +4        HEADER_LEN
//!  +-------------------------------+-------+-------+ - - - - - +
//!  | len: size_t (native order)    | cmd   | count |  padding  |   header: 16 bytes on
//!  +-------------------------------+-------+-------+ - - - - - +   64-bit, 8 on 32-bit
//!  | "arg0\0" "arg1\0" ... "argN-1\0"                  "\0"     |   `count` C strings,
//!  +-----------------------------------------------------------+   then one extra NUL
//!  |<--------------------------- len ------------------------->|   len <= IPC_MSG_MAX
//! ```
//!
//! `cmd` and `count` are `uint16_t`; `cmd` holds an ASCII letter ([`super::cmd::IpcCmd`]).
//! The header is `size_t + 2 * uint16_t` rounded up to the alignment of the flexible
//! `char *argv[]` member, whose offset is where the strings start.
//!
//! [`Request::parse`] is the one checked entry point for untrusted bytes: it validates the
//! whole frame once, and the [`Request`] it returns holds only checked `&str`s. A byte
//! stream is cut into frames by [`Framer`].

use heapless::Vec;
use static_assertions::const_assert;
use ufmt::{uDisplay, uWrite, Formatter};

use crate::errno::{Errno, Text};
use crate::limits::{IPC_MAX_ARGS, IPC_MSG_MAX};

const LEN_SIZE: usize = core::mem::size_of::<usize>();

/// Bytes before the first argument string: `sizeof(struct ipc_msg)` of the C daemon.
pub const HEADER_LEN: usize = (LEN_SIZE + 4).next_multiple_of(core::mem::align_of::<usize>());

#[cfg(target_pointer_width = "64")]
const_assert!(HEADER_LEN == 16);
#[cfg(target_pointer_width = "32")]
const_assert!(HEADER_LEN == 8);
const_assert!(HEADER_LEN < IPC_MSG_MAX);

/// Why a frame could not be parsed or built. The daemon closes the connection on
/// [`WireError::BadLength`] and [`WireError::TooLarge`] (the stream has lost its framing);
/// the other errors concern one well-framed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireError {
    /// `len` is smaller than the header or differs from the bytes given.
    BadLength,
    /// `len` is larger than [`IPC_MSG_MAX`] (or the message to build would be).
    TooLarge,
    /// `count` is above [`IPC_MAX_ARGS`] (or too many arguments to build).
    TooManyArgs,
    /// An argument string runs past `len` without its NUL.
    Unterminated,
    /// An argument is not UTF-8.
    NotUtf8,
    /// Bytes other than NUL padding follow the last argument.
    TrailingBytes,
    /// An argument to build contains a NUL byte.
    InteriorNul,
    /// The output buffer is too small for the message.
    BufferTooSmall,
}

impl WireError {
    /// Writes the wording through `put`: an errno's text where the program has it
    /// already, else one kept after the errno texts, all packed; one lookup by the
    /// error's discriminant, no branch per error.
    pub fn put(self, put: &mut dyn FnMut(&[u8])) {
        TEXT_OF[self as usize].put(put);
    }
}

/// The text of each [`WireError`], by discriminant: a byte each, not a branch each. All
/// are looked up where the errno texts are, its own wordings too.
const TEXT_OF: [Text; 8] = {
    let of = [
        (WireError::BadLength, Text::BAD_LENGTH),
        (WireError::TooLarge, Text::of(Errno::EMSGSIZE)),
        (WireError::TooManyArgs, Text::ARG_LIST_TOO_LONG),
        (WireError::Unterminated, Text::of(Errno::EBADMSG)),
        (WireError::NotUtf8, Text::NOT_MULTIBYTE),
        (WireError::TrailingBytes, Text::of(Errno::EBADMSG)),
        (WireError::InteriorNul, Text::of(Errno::EINVAL)),
        (WireError::BufferTooSmall, Text::of(Errno::ENOBUFS)),
    ];
    let mut table = [Text::BAD_LENGTH; 8];
    let mut i = 0;
    while i < of.len() {
        assert!(of[i].0 as usize == i);
        table[i] = of[i].1;
        i += 1;
    }
    table
};

impl uDisplay for WireError {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        let mut result = Ok(());
        self.put(&mut |piece| {
            if result.is_ok() {
                result = f.write_str(crate::fmt::utf8_prefix(piece));
            }
        });
        result
    }
}

// ===== Request =====

/// One IPC request: a command letter and its argument words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    /// ASCII command letter (see [`super::cmd::IpcCmd`]); kept raw so the daemon can
    /// name an unknown letter in its reply.
    pub cmd: u8,
    /// Argument words, in order.
    pub args: Vec<&'a str, IPC_MAX_ARGS>,
}

impl<'a> Request<'a> {
    /// A request without arguments.
    pub fn new(cmd: u8) -> Self {
        Self {
            cmd,
            args: Vec::new(),
        }
    }

    /// A request with the given arguments.
    pub fn with_args(cmd: u8, args: &[&'a str]) -> Result<Self, WireError> {
        let args = Vec::from_slice(args).map_err(|()| WireError::TooManyArgs)?;
        Ok(Self { cmd, args })
    }

    /// Parses one complete frame; `frame.len()` must equal the `len` field.
    pub fn parse(frame: &'a [u8]) -> Result<Self, WireError> {
        let mut args = Vec::new();
        let cmd = Self::parse_into(frame, &mut args)?;
        Ok(Self { cmd, args })
    }

    /// [`Request::parse`] into the caller's argument list (cleared first), returning the
    /// command: the daemon keeps the list where it is instead of moving a whole request.
    pub fn parse_into(
        frame: &'a [u8],
        args: &mut Vec<&'a str, IPC_MAX_ARGS>,
    ) -> Result<u8, WireError> {
        args.clear();
        let len = frame_len(frame).ok_or(WireError::BadLength)?;
        if len > IPC_MSG_MAX {
            return Err(WireError::TooLarge);
        }
        if len < HEADER_LEN || len != frame.len() {
            return Err(WireError::BadLength);
        }
        let cmd = u16::from_ne_bytes([byte(frame, LEN_SIZE), byte(frame, LEN_SIZE + 1)]);
        let count = u16::from_ne_bytes([byte(frame, LEN_SIZE + 2), byte(frame, LEN_SIZE + 3)]);
        if usize::from(count) > IPC_MAX_ARGS {
            return Err(WireError::TooManyArgs);
        }
        let mut rest = frame.get(HEADER_LEN..).unwrap_or(&[]);
        for _ in 0..count {
            let nul = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or(WireError::Unterminated)?;
            let (word, tail) = rest.split_at(nul);
            let word = crate::fmt::as_utf8(word).ok_or(WireError::NotUtf8)?;
            // (Room for it: count <= IPC_MAX_ARGS was checked above.)
            let _ = args.push(word);
            rest = tail.get(1..).unwrap_or(&[]);
        }
        if rest.iter().any(|&b| b != 0) {
            return Err(WireError::TrailingBytes);
        }
        // Letters are ASCII; anything wider is an unknown command, reported as its low byte.
        Ok(u8::try_from(cmd).unwrap_or(u8::MAX))
    }

    /// Size of the frame [`Request::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        frame_len_of(&self.args)
    }

    /// Writes the frame into `buf`; returns its length.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        emit_words(self.cmd, &self.args, buf)
    }
}

/// Size of the frame of a request with the arguments `args`.
pub fn frame_len_of(args: &[&str]) -> usize {
    HEADER_LEN + args.iter().map(|a| a.len() + 1).sum::<usize>() + 1
}

/// Writes the frame of the request `cmd args` into `buf`; returns its length. The same
/// bytes as [`Request::emit`], without first copying the words into a [`Request`].
pub fn emit_words(cmd: u8, args: &[&str], buf: &mut [u8]) -> Result<usize, WireError> {
    let len = checked_frame_len(args)?;
    let out = buf.get_mut(..len).ok_or(WireError::BufferTooSmall)?;
    write_frame(cmd, args, out);
    Ok(len)
}

/// The size of the frame of a request with the arguments `args`, or why none can be
/// built: [`emit_words`]'s checks, for a caller that finds room for the frame itself
/// (`smcroutectl`'s queue) before [`write_frame`].
pub fn checked_frame_len(args: &[&str]) -> Result<usize, WireError> {
    if args.len() > IPC_MAX_ARGS {
        return Err(WireError::TooManyArgs);
    }
    // The length and the NULs in one pass over the words (a frame too large is that
    // first, whatever its words hold).
    let mut len = HEADER_LEN + 1;
    let mut nul = false;
    for a in args {
        len += a.len() + 1;
        nul |= crate::fmt::has_byte(a.as_bytes(), 0);
    }
    if len > IPC_MSG_MAX {
        return Err(WireError::TooLarge);
    }
    if nul {
        return Err(WireError::InteriorNul);
    }
    Ok(len)
}

/// Writes the frame of the request `cmd args` into `out`, which is as long as
/// [`checked_frame_len`] of `args` says.
pub fn write_frame(cmd: u8, args: &[&str], out: &mut [u8]) {
    let len = out.len();
    out.fill(0);
    let count = args.len() as u16; // <= IPC_MAX_ARGS
    let (header, _) = out.split_at_mut(HEADER_LEN);
    header[..LEN_SIZE].copy_from_slice(&len.to_ne_bytes());
    header[LEN_SIZE..LEN_SIZE + 2].copy_from_slice(&u16::from(cmd).to_ne_bytes());
    header[LEN_SIZE + 2..LEN_SIZE + 4].copy_from_slice(&count.to_ne_bytes());
    // Each word and its NUL (already zero) after the header; `len` made room for all.
    let mut at = HEADER_LEN;
    for arg in args {
        let end = at + arg.len();
        if let Some(dst) = out.get_mut(at..end) {
            dst.copy_from_slice(arg.as_bytes());
        }
        at = end + 1;
    }
}

fn byte(buf: &[u8], i: usize) -> u8 {
    buf.get(i).copied().unwrap_or(0)
}

/// The `len` field of a frame starting at `buf`, once the whole field is there.
fn frame_len(buf: &[u8]) -> Option<usize> {
    let field = buf.get(..LEN_SIZE)?;
    let mut bytes = [0u8; LEN_SIZE];
    bytes.copy_from_slice(field);
    Some(usize::from_ne_bytes(bytes))
}

// ===== Framer =====

/// Reassembles frames from a byte stream that arrives in arbitrary pieces.
///
/// The buffer holds one largest message; frames that arrive back to back are yielded in
/// order. A `len` below the header or above [`IPC_MSG_MAX`] means the stream cannot be
/// framed any more: the caller replies with the error and closes the connection.
///
/// `repr(C)` with the positions first: x86_64 reaches them with one-byte offsets, not
/// four-byte ones past the kilobyte buffer.
#[repr(C)]
pub struct Framer {
    start: usize,
    end: usize,
    buf: [u8; IPC_MSG_MAX],
}

impl Default for Framer {
    fn default() -> Self {
        Self::new()
    }
}

impl Framer {
    /// An empty framer.
    pub const fn new() -> Self {
        Self {
            buf: [0; IPC_MSG_MAX],
            start: 0,
            end: 0,
        }
    }

    /// Forgets what is buffered, for a new connection (the buffer is not cleared: only
    /// bytes pushed since are ever read).
    pub fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
    }

    /// True if no partial frame is buffered (a connection may close cleanly here).
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Appends as many bytes of `data` as fit; returns how many were taken.
    pub fn push(&mut self, data: &[u8]) -> usize {
        let free = self.spare();
        let n = free.len().min(data.len());
        if let (Some(dst), Some(src)) = (free.get_mut(..n), data.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.filled(n);
        n
    }

    /// The free room after the buffered bytes (moved to the front first), to receive
    /// into in place; then [`Self::filled`] with the count. Once the complete frames are
    /// taken, it is never empty: what is left is part of one frame, which fits.
    pub fn spare(&mut self) -> &mut [u8] {
        if self.start > 0 {
            crate::fmt::move_to_front(&mut self.buf, self.start, self.end);
            self.end -= self.start;
            self.start = 0;
        }
        self.buf.get_mut(self.end..).unwrap_or(&mut [])
    }

    /// `n` bytes were written at the start of [`Self::spare`].
    pub fn filled(&mut self, n: usize) {
        self.end = (self.end + n).min(IPC_MSG_MAX);
    }

    /// The next complete frame, if one is buffered.
    pub fn next_frame(&mut self) -> Result<Option<&[u8]>, WireError> {
        let pending = self.buf.get(self.start..self.end).unwrap_or(&[]);
        let Some(len) = frame_len(pending) else {
            return Ok(None);
        };
        if len > IPC_MSG_MAX {
            return Err(WireError::TooLarge);
        }
        if len < HEADER_LEN {
            return Err(WireError::BadLength);
        }
        let Some(frame) = pending.get(..len) else {
            return Ok(None);
        };
        self.start += len;
        Ok(Some(frame))
    }

    /// Pushes all of `data`, calling `on_frame` for every frame it completes.
    pub fn feed(
        &mut self,
        mut data: &[u8],
        mut on_frame: impl FnMut(&[u8]),
    ) -> Result<(), WireError> {
        loop {
            let taken = self.push(data);
            data = data.get(taken..).unwrap_or(&[]);
            let mut got = false;
            while let Some(frame) = self.next_frame()? {
                on_frame(frame);
                got = true;
            }
            if data.is_empty() {
                return Ok(());
            }
            if !got && taken == 0 {
                // Unreachable with a checked len <= IPC_MSG_MAX, kept as a guard.
                return Err(WireError::TooLarge);
            }
        }
    }
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec as StdVec;

    #[test]
    fn error_texts() {
        let texts = [
            (WireError::BadLength, "Bad message length"),
            (WireError::TooLarge, "Message too long"),
            (WireError::TooManyArgs, "Argument list too long"),
            (WireError::Unterminated, "Bad message"),
            (
                WireError::NotUtf8,
                "Invalid or incomplete multibyte or wide character",
            ),
            (WireError::TrailingBytes, "Bad message"),
            (WireError::InteriorNul, "Invalid argument"),
            (WireError::BufferTooSmall, "No buffer space available"),
        ];
        for (e, text) in texts {
            let mut got = StdVec::new();
            e.put(&mut |piece| got.extend_from_slice(piece));
            assert_eq!(got, text.as_bytes());
            let mut shown = heapless::String::<64>::new();
            ufmt::uwrite!(shown, "{}", e).unwrap();
            assert_eq!(shown, text);
        }
    }

    fn frame(cmd: u8, args: &[&str]) -> StdVec<u8> {
        let req = Request::with_args(cmd, args).unwrap();
        let mut buf = [0u8; IPC_MSG_MAX];
        let n = req.emit(&mut buf).unwrap();
        assert_eq!(n, req.buffer_len());
        buf[..n].to_vec()
    }

    fn header(len: usize, cmd: u16, count: u16) -> StdVec<u8> {
        let mut v = len.to_ne_bytes().to_vec();
        v.extend_from_slice(&cmd.to_ne_bytes());
        v.extend_from_slice(&count.to_ne_bytes());
        v.resize(HEADER_LEN, 0);
        v
    }

    #[test]
    fn golden_bytes_match_the_c_client() {
        // What the C client sends for `add a1 225.1.1.1 a2` (exact bytes on x86-64 below).
        let got = frame(b'a', &["a1", "225.1.1.1", "a2"]);
        let mut want = header(HEADER_LEN + 3 + 10 + 3 + 1, u16::from(b'a'), 3);
        want.extend_from_slice(b"a1\x00225.1.1.1\x00a2\0\0");
        assert_eq!(got, want);
        #[cfg(all(target_pointer_width = "64", target_endian = "little"))]
        assert_eq!(
            &got[..16],
            &[33, 0, 0, 0, 0, 0, 0, 0, b'a', 0, 3, 0, 0, 0, 0, 0]
        );
        // 32-bit big-endian (mips): size_t len, then cmd and count, no padding.
        #[cfg(all(target_pointer_width = "32", target_endian = "big"))]
        assert_eq!(&got[..8], &[0, 0, 0, 25, 0, b'a', 0, 3]);
        #[cfg(all(target_pointer_width = "32", target_endian = "little"))]
        assert_eq!(&got[..8], &[25, 0, 0, 0, b'a', 0, 3, 0]);
    }

    #[test]
    fn no_args_is_header_plus_nul() {
        let got = frame(b's', &[]);
        assert_eq!(got.len(), HEADER_LEN + 1);
        assert_eq!(Request::parse(&got).unwrap(), Request::new(b's'));
    }

    #[test]
    fn round_trip() {
        let f = frame(b'S', &["groups", "", "x"]);
        let req = Request::parse(&f).unwrap();
        assert_eq!(req.cmd, b'S');
        assert_eq!(&req.args[..], &["groups", "", "x"]);
    }

    #[test]
    fn missing_final_nul_is_accepted() {
        let mut f = frame(b'j', &["eth0", "225.1.2.3"]);
        f.pop();
        let n = f.len();
        f[..LEN_SIZE].copy_from_slice(&n.to_ne_bytes());
        assert_eq!(
            &Request::parse(&f).unwrap().args[..],
            &["eth0", "225.1.2.3"]
        );
    }

    #[test]
    fn parse_errors() {
        let good = frame(b'j', &["eth0", "225.1.2.3"]);
        // Shorter than the len field.
        assert_eq!(Request::parse(&good[..3]), Err(WireError::BadLength));
        // Lying len: more than given, less than header.
        assert_eq!(Request::parse(&good[..20]), Err(WireError::BadLength));
        let mut small = good.clone();
        small[..LEN_SIZE].copy_from_slice(&4usize.to_ne_bytes());
        assert_eq!(Request::parse(&small), Err(WireError::BadLength));
        let mut huge = good.clone();
        huge[..LEN_SIZE].copy_from_slice(&2000usize.to_ne_bytes());
        assert_eq!(Request::parse(&huge), Err(WireError::TooLarge));
        // count above the limit.
        let mut many = header(HEADER_LEN + 1, u16::from(b'a'), 36);
        many.push(0);
        assert_eq!(Request::parse(&many), Err(WireError::TooManyArgs));
        // Strings running past len / missing NULs.
        let mut past = header(HEADER_LEN + 4, u16::from(b'a'), 1);
        past.extend_from_slice(b"eth0");
        assert_eq!(Request::parse(&past), Err(WireError::Unterminated));
        let mut short = header(HEADER_LEN + 3, u16::from(b'a'), 2);
        short.extend_from_slice(b"a\0\0");
        assert_eq!(Request::parse(&short).unwrap().args.len(), 2);
        let mut fewer = header(HEADER_LEN + 2, u16::from(b'a'), 2);
        fewer.extend_from_slice(b"a\0");
        assert_eq!(Request::parse(&fewer), Err(WireError::Unterminated));
        // Non-UTF-8.
        let mut bad = header(HEADER_LEN + 3, u16::from(b'a'), 1);
        bad.extend_from_slice(b"\xff\0\0");
        assert_eq!(Request::parse(&bad), Err(WireError::NotUtf8));
        // Garbage after the last string.
        let mut tail = header(HEADER_LEN + 4, u16::from(b'a'), 1);
        tail.extend_from_slice(b"a\0\0x");
        assert_eq!(Request::parse(&tail), Err(WireError::TrailingBytes));
    }

    #[test]
    fn wide_cmd_is_unknown_not_truncated() {
        let mut f = header(HEADER_LEN + 1, 0x161, 0);
        f.push(0);
        assert_eq!(Request::parse(&f).unwrap().cmd, u8::MAX);
    }

    #[test]
    fn emit_errors() {
        let long = "x".repeat(IPC_MSG_MAX);
        let req = Request::with_args(b'a', &[long.as_str()]).unwrap();
        assert_eq!(req.emit(&mut [0u8; 2048]), Err(WireError::TooLarge));
        // Exactly the limit is fine, one more is not.
        let fits = "x".repeat(IPC_MSG_MAX - HEADER_LEN - 2);
        let req = Request::with_args(b'a', &[fits.as_str()]).unwrap();
        assert_eq!(req.emit(&mut [0u8; IPC_MSG_MAX]), Ok(IPC_MSG_MAX));
        let over = "x".repeat(IPC_MSG_MAX - HEADER_LEN - 1);
        let req = Request::with_args(b'a', &[over.as_str()]).unwrap();
        assert_eq!(req.emit(&mut [0u8; 2048]), Err(WireError::TooLarge));
        let req = Request::with_args(b'a', &["a\0b"]).unwrap();
        assert_eq!(req.emit(&mut [0u8; 64]), Err(WireError::InteriorNul));
        let req = Request::with_args(b'a', &["abc"]).unwrap();
        assert_eq!(req.emit(&mut [0u8; 8]), Err(WireError::BufferTooSmall));
        let words = ["x"; IPC_MAX_ARGS + 1];
        assert_eq!(
            Request::with_args(b'a', &words),
            Err(WireError::TooManyArgs)
        );
    }

    #[test]
    fn emit_words_is_request_emit() {
        let args = ["a1", "225.1.1.1", "a2"];
        let mut buf = [0u8; 64];
        let n = emit_words(b'a', &args, &mut buf).unwrap();
        assert_eq!(n, frame_len_of(&args));
        assert_eq!(&buf[..n], &frame(b'a', &args)[..]);
        let words = ["x"; IPC_MAX_ARGS + 1];
        assert_eq!(
            emit_words(b'a', &words, &mut [0u8; 1024]),
            Err(WireError::TooManyArgs)
        );
        assert_eq!(
            emit_words(b'a', &["abc"], &mut [0u8; 8]),
            Err(WireError::BufferTooSmall)
        );
    }

    fn collect(framer: &mut Framer, data: &[u8]) -> Result<StdVec<StdVec<u8>>, WireError> {
        let mut out = StdVec::new();
        framer.feed(data, |f| out.push(f.to_vec()))?;
        Ok(out)
    }

    #[test]
    fn framer_single_bytes_and_back_to_back() {
        let a = frame(b'j', &["eth0", "225.1.2.3"]);
        let b = frame(b's', &[]);
        let c = frame(b'a', &["x"; IPC_MAX_ARGS]);
        let mut stream = a.clone();
        stream.extend_from_slice(&b);
        stream.extend_from_slice(&c);

        let mut framer = Framer::new();
        let mut got = StdVec::new();
        for byte in &stream {
            got.extend(collect(&mut framer, std::slice::from_ref(byte)).unwrap());
        }
        assert_eq!(got, [a.clone(), b.clone(), c.clone()]);
        assert!(framer.is_empty());

        let mut framer = Framer::new();
        assert_eq!(collect(&mut framer, &stream).unwrap(), [a, b, c]);
    }

    #[test]
    fn framer_clear_forgets_a_partial_frame() {
        let a = frame(b'j', &["eth0", "225.1.2.3"]);
        let b = frame(b's', &[]);
        let mut framer = Framer::new();
        assert_eq!(collect(&mut framer, &a[..5]).unwrap().len(), 0);
        assert!(!framer.is_empty());
        framer.clear();
        assert!(framer.is_empty());
        assert_eq!(collect(&mut framer, &b).unwrap(), [b]);
    }

    #[test]
    fn framer_receives_in_place() {
        let a = frame(b'j', &["eth0", "225.1.2.3"]);
        let b = frame(b's', &[]);
        let mut stream = a.clone();
        stream.extend_from_slice(&b);
        let mut framer = Framer::new();
        // The first frame and part of the second, as one receive.
        let cut = a.len() + 3;
        let room = framer.spare();
        assert_eq!(room.len(), IPC_MSG_MAX);
        room[..cut].copy_from_slice(&stream[..cut]);
        framer.filled(cut);
        assert_eq!(framer.next_frame(), Ok(Some(&a[..])));
        assert_eq!(framer.next_frame(), Ok(None));
        // The rest: the partial frame moved to the front, the room after it.
        let room = framer.spare();
        assert_eq!(room.len(), IPC_MSG_MAX - 3);
        let rest = &stream[cut..];
        room[..rest.len()].copy_from_slice(rest);
        framer.filled(rest.len());
        assert_eq!(framer.next_frame(), Ok(Some(&b[..])));
        assert!(framer.is_empty());
        // A count past the room is clamped, never beyond the buffer.
        framer.clear();
        framer.filled(IPC_MSG_MAX + 1);
        assert!(framer.spare().is_empty());
    }

    #[test]
    fn framer_many_frames_more_than_buffer() {
        let big = frame(b'a', &["y".repeat(900).as_str()]);
        let mut stream = StdVec::new();
        for _ in 0..5 {
            stream.extend_from_slice(&big);
        }
        let mut framer = Framer::new();
        assert_eq!(collect(&mut framer, &stream).unwrap().len(), 5);
    }

    #[test]
    fn framer_garbage_after_frame() {
        let a = frame(b'k', &[]);
        let mut stream = a.clone();
        stream.extend_from_slice(&[0xff; 12]);
        let mut framer = Framer::new();
        let mut got = StdVec::new();
        let err = framer.feed(&stream, |f| got.push(f.to_vec()));
        assert_eq!(err, Err(WireError::TooLarge));
        assert_eq!(got, [a]);

        let mut framer = Framer::new();
        let mut zero = header(0, 0, 0);
        zero.extend_from_slice(&[0; 4]);
        assert_eq!(collect(&mut framer, &zero), Err(WireError::BadLength));
    }

    #[test]
    fn framer_partial_frame_waits() {
        let a = frame(b'j', &["eth0", "225.1.2.3"]);
        let mut framer = Framer::new();
        assert!(collect(&mut framer, &a[..a.len() - 1]).unwrap().is_empty());
        assert!(!framer.is_empty());
        assert_eq!(collect(&mut framer, &a[a.len() - 1..]).unwrap(), [a]);
    }
}
