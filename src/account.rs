//! Lines of `/etc/passwd` and `/etc/group`, the user database `-p USER[:GROUP]` reads
//! (spec §1). The daemon reads these two files itself instead of calling `getpwnam`,
//! `getgrnam` and `initgroups`, whose musl versions bring `stdio`, `malloc` and the nscd
//! client into the static programs: users and groups come from the files only, never
//! from NSS modules (LDAP, NIS), as on the musl routers we target. Pure: `sys::privs`
//! streams the files.
//!
//! ```text
//! passwd: name:password:UID:GID:gecos:home:shell
//! group:  name:password:GID:member,member,...
//! ```

/// The fields of a `/etc/passwd` line we use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Passwd<'a> {
    /// Login name.
    pub name: &'a [u8],
    /// User id.
    pub uid: u32,
    /// Primary group id.
    pub gid: u32,
}

/// The fields of a `/etc/group` line we use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group<'a> {
    /// Group name.
    pub name: &'a [u8],
    /// Group id.
    pub gid: u32,
    /// The comma-separated member list, as in the file.
    pub members: &'a [u8],
}

impl Group<'_> {
    /// True if `user` is in the member list.
    pub fn has_member(&self, user: &[u8]) -> bool {
        let mut rest = Some(self.members);
        while let Some(member) = next_field(&mut rest, b',') {
            if member == user {
                return !user.is_empty();
            }
        }
        false
    }
}

/// Parses one `/etc/passwd` line (with or without its newline). `None` for a line that
/// is not an entry: blank, a comment, a NIS `+`/`-` line, too few fields or an id that
/// is not a decimal number; such lines are skipped, as libc skips them.
pub fn parse_passwd(line: &[u8]) -> Option<Passwd<'_>> {
    // The first four fields have the shape of a group line's (name, password, id, a
    // fourth field): one parser for both.
    let head = parse_group(line)?;
    Some(Passwd {
        name: head.name,
        uid: head.gid,
        gid: parse_id(head.members)?,
    })
}

/// Parses one `/etc/group` line; `None` for lines that are not entries (see
/// [`parse_passwd`]). A line without the member field has no members.
pub fn parse_group(line: &[u8]) -> Option<Group<'_>> {
    let mut rest = Some(entry(line)?);
    let name = next_field(&mut rest, b':')?;
    let _password = next_field(&mut rest, b':')?;
    let gid = parse_id(next_field(&mut rest, b':')?)?;
    let members = next_field(&mut rest, b':').unwrap_or(&[]);
    Some(Group { name, gid, members })
}

/// The next `sep`-separated field of `rest` (`None` once the last one was taken), as
/// `split` gives them: one function for both separators, not an iterator of each.
fn next_field<'a>(rest: &mut Option<&'a [u8]>, sep: u8) -> Option<&'a [u8]> {
    let bytes = (*rest)?;
    match bytes.iter().position(|&b| b == sep) {
        Some(i) => {
            *rest = bytes.get(i + 1..);
            bytes.get(..i)
        }
        None => rest.take(),
    }
}

/// The line without its line ending, if it can be an entry.
fn entry(line: &[u8]) -> Option<&[u8]> {
    // `split_last`, not `strip_suffix`: one byte compared, no slice comparison.
    let line = match line.split_last() {
        Some((b'\n', rest)) => rest,
        _ => line,
    };
    let line = match line.split_last() {
        Some((b'\r', rest)) => rest,
        _ => line,
    };
    match line.first() {
        None | Some(b'#' | b'+' | b'-') => None,
        Some(_) => Some(line),
    }
}

/// A decimal id that fits in 32 bits.
fn parse_id(field: &[u8]) -> Option<u32> {
    if field.is_empty() {
        return None;
    }
    field.iter().try_fold(0u32, |n, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        n.checked_mul(10)?.checked_add(u32::from(digit))
    })
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lines() {
        assert_eq!(
            parse_passwd(b"root:x:0:0:root:/root:/bin/sh\n"),
            Some(Passwd {
                name: b"root",
                uid: 0,
                gid: 0
            })
        );
        assert_eq!(
            parse_passwd(b"nobody:*:65534:65533:nobody:/var:/bin/false"),
            Some(Passwd {
                name: b"nobody",
                uid: 65534,
                gid: 65533
            })
        );
        // Only four fields are needed; a CR of a DOS file is dropped.
        assert_eq!(parse_passwd(b"a:x:1:2\r\n").map(|p| p.gid), Some(2));
        assert_eq!(
            parse_passwd(b"big:x:4294967295:0::/:").map(|p| p.uid),
            Some(u32::MAX)
        );
        for bad in [
            &b""[..],
            b"\n",
            b"# comment:x:0:0",
            b"+nis:x:0:0",
            b"-nis:x:0:0",
            b"short:x:0",
            b"x:x::0:",
            b"x:x:0::",
            b"x:x:-1:0:",
            b"x:x:1a:0:",
            b"x:x: 1:0:",
            b"x:x:4294967296:0:",
            b"x:x:99999999999999999999:0:",
        ] {
            assert_eq!(parse_passwd(bad), None, "{:?}", std::str::from_utf8(bad));
        }
        // An empty name parses; it never equals a name we look up.
        assert_eq!(parse_passwd(b":x:1:1:").map(|p| p.name), Some(&b""[..]));
    }

    #[test]
    fn group_lines() {
        let g = parse_group(b"wheel:x:10:root,alice,bob\n").unwrap();
        assert_eq!((g.name, g.gid), (&b"wheel"[..], 10));
        assert!(g.has_member(b"alice"));
        assert!(g.has_member(b"bob"));
        assert!(!g.has_member(b"ali"));
        assert!(!g.has_member(b"alice,bob"));
        assert!(!g.has_member(b""));
        let empty = parse_group(b"nogroup:x:65534:").unwrap();
        assert_eq!(empty.gid, 65534);
        assert!(!empty.has_member(b"nobody"));
        let no_field = parse_group(b"users:x:100").unwrap();
        assert_eq!(no_field.members, b"");
        // Odd commas make empty members, which match nobody.
        let odd = parse_group(b"g:x:5:,a,,b,").unwrap();
        assert!(odd.has_member(b"a") && odd.has_member(b"b") && !odd.has_member(b""));
        for bad in [&b"#g:x:1:"[..], b"g:x", b"g:x:x:", b"+:::", b""] {
            assert_eq!(parse_group(bad), None);
        }
    }
}
