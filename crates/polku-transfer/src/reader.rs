//! Streams a transfer file record by record: reads the header, then yields
//! one `Line` per record with its physical line number. Memory is bounded by
//! the longest record, never by the file.

use std::collections::VecDeque;
use std::io::{self, Chain, Cursor, Read};

use csv::{ByteRecord, ReaderBuilder};

use crate::eligibility::{eligibility_rules, EligibilityRules};
use crate::header::{detect_delimiter, Layout};
use crate::row::{validate, TransferRow};
use crate::{Rejection, RejectionCode, TransferError, TransferOptions};

/// The longest header line read while looking for the delimiter.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// The longest record (including any blank lines before it). A valid row is
/// well under 2 KiB; this is there so that an unclosed quote cannot make one
/// "field" of the rest of a large file and hold it all in memory.
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// One record of the file and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The physical line on which the record starts; the header is line 1
    /// (or later, after blank lines). A record with a quoted line break
    /// spans several lines and the next record's number moves on by as many.
    pub number: u64,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Valid, and eligible under at least one rule (`row.eligibility`).
    Customer(TransferRow),
    /// Valid, but no rule holds on the transfer date. Not an error.
    NotEligible(TransferRow),
    /// Everything wrong with the line, at least one entry.
    Rejected(Vec<Rejection>),
}

/// The records of a transfer file, as an iterator of [`Line`]s.
///
/// Every record of the file yields exactly one line, so the import report
/// can account for each. Completely empty lines are not records and yield
/// nothing. Reading ends after the last record, or after a line rejected
/// with [`RejectionCode::Io`] or [`RejectionCode::RecordTooLarge`].
///
/// A second record for the same identity code is not this reader's concern:
/// both are yielded, and the importer treats the later one as an update.
pub struct TransferReader<R: Read> {
    csv: csv::Reader<LineTracker<Chain<Cursor<Vec<u8>>, R>>>,
    layout: Layout,
    delimiter: u8,
    options: TransferOptions,
    rules: &'static EligibilityRules,
    record: ByteRecord,
    finished: bool,
}

/// Reads the header of a transfer file and returns a reader of its records.
///
/// A UTF-8 byte-order mark is skipped; the delimiter (`;` or `,`) is taken
/// from the header line. Fails when the file is empty, cannot be read, or
/// lacks a required column, and before reading anything when no
/// eligibility rules exist for the transfer date.
pub fn read<R: Read>(mut input: R, options: &TransferOptions) -> Result<TransferReader<R>, TransferError> {
    let rules = eligibility_rules(options.transfer_date)?;
    // Read until the header line is complete (or the file ends) to see its
    // delimiter. The bytes go back in front of the stream, so the csv reader
    // parses the header itself and counts bytes and lines from the start.
    let mut head = Vec::with_capacity(8 * 1024);
    let mut chunk = [0u8; 8 * 1024];
    let header_line = loop {
        if let Some(line) = first_line(head.strip_prefix(UTF8_BOM).unwrap_or(&head), false) {
            break line.to_vec();
        }
        if head.len() > MAX_HEADER_BYTES {
            return Err(TransferError::HeaderTooLong { max: MAX_HEADER_BYTES });
        }
        let n = match input.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        if n == 0 {
            match first_line(head.strip_prefix(UTF8_BOM).unwrap_or(&head), true) {
                Some(line) => break line.to_vec(),
                None => return Err(TransferError::EmptyFile),
            }
        }
        head.extend_from_slice(&chunk[..n]);
    };
    if head.starts_with(UTF8_BOM) {
        head.drain(..UTF8_BOM.len());
    }
    let delimiter = detect_delimiter(&header_line);

    // `flexible`, because a record with the wrong number of fields is one
    // rejected line, not an error of the reader; we check the count ourselves.
    let mut csv = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(LineTracker::new(Cursor::new(head).chain(input)));
    let mut header = ByteRecord::new();
    match csv.read_byte_record(&mut header) {
        Ok(true) => {}
        Ok(false) => return Err(TransferError::EmptyFile),
        Err(e) => return Err(into_io(e).into()),
    }
    let layout = Layout::from_header(header.iter())?;
    Ok(TransferReader {
        csv,
        layout,
        delimiter,
        options: options.clone(),
        rules,
        record: header,
        finished: false,
    })
}

impl<R: Read> TransferReader<R> {
    /// Header names that are not columns of the spec, trimmed, in file order.
    /// They are ignored; the import report lists them.
    pub fn unknown_columns(&self) -> &[String] {
        &self.layout.unknown
    }

    /// The delimiter found in the header, `b';'` or `b','`.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The eligibility rules in force on the transfer date, by which every
    /// line is judged. The import report names them.
    pub fn rules(&self) -> &'static EligibilityRules {
        self.rules
    }

    fn outcome(&self) -> Outcome {
        if self.record.len() != self.layout.width {
            return malformed();
        }
        match validate(&self.record, &self.layout, &self.options, self.rules) {
            Ok(row) if row.eligibility.is_empty() => Outcome::NotEligible(row),
            Ok(row) => Outcome::Customer(row),
            Err(rejections) => Outcome::Rejected(rejections),
        }
    }
}

impl<R: Read> Iterator for TransferReader<R> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        if self.finished {
            return None;
        }
        let start = self.csv.position().byte();
        self.csv.get_mut().forget_before(start);
        let result = self.csv.read_byte_record(&mut self.record);
        let number = self.csv.get_mut().line_at(start);
        match result {
            Ok(true) => Some(Line { number, outcome: self.outcome() }),
            Ok(false) => {
                self.finished = true;
                None
            }
            Err(e) => {
                let code = match e.kind() {
                    csv::ErrorKind::Io(io) if is_record_too_large(io) => RejectionCode::RecordTooLarge,
                    csv::ErrorKind::Io(_) => RejectionCode::Io,
                    // Not produced for byte records read flexibly, but if a
                    // csv version does, the reader has moved past the record.
                    _ => return Some(Line { number, outcome: malformed() }),
                };
                self.finished = true;
                Some(Line { number, outcome: Outcome::Rejected(vec![Rejection::record(code)]) })
            }
        }
    }
}

fn malformed() -> Outcome {
    Outcome::Rejected(vec![Rejection::record(RejectionCode::MalformedRecord)])
}

/// The first line of `bytes` that has anything but white space in it, without
/// its line break (`\n`, `\r\n` or `\r`); at the end of the file an
/// unterminated last line counts.
fn first_line(bytes: &[u8], at_end: bool) -> Option<&[u8]> {
    let mut rest = bytes;
    loop {
        let (line, after) = match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None if at_end => (rest, None),
            None => return None,
        };
        if !line.iter().all(u8::is_ascii_whitespace) {
            return Some(line);
        }
        rest = after?;
    }
}

fn into_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => io::Error::new(io::ErrorKind::InvalidData, format!("{other:?}")),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("a record of the transfer file is longer than {MAX_RECORD_BYTES} bytes")]
struct RecordTooLarge;

fn is_record_too_large(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<RecordTooLarge>())
}

/// Sits between the file and the csv reader to number lines and cap records.
///
/// Why not `csv::Position::line()`: the csv reader takes a record's position
/// before it skips blank lines, and with CRLF before it consumes the previous
/// record's `\n`, so after a blank line or in a CRLF file it names an earlier
/// line. Instead we keep the bytes handed to the csv reader since the start
/// of the current record (bounded by `MAX_RECORD_BYTES` plus the csv buffer)
/// and, given the byte offset where a read began, count the line breaks up to
/// the first byte that is not one.
///
/// A line break is `\n`, `\r\n` or a lone `\r`, as the csv reader ends records
/// on all three: so the classic Mac files of "CSV (Macintosh)" are numbered
/// right too.
struct LineTracker<R> {
    inner: R,
    pending: VecDeque<u8>,
    /// Stream offset of `pending[0]`.
    offset: u64,
    /// Line breaks before `offset`.
    line_breaks: u64,
    /// The byte before `offset`, to see whether a `\n` ends a `\r\n`.
    before: u8,
}

impl<R: Read> LineTracker<R> {
    fn new(inner: R) -> Self {
        LineTracker {
            inner,
            pending: VecDeque::with_capacity(16 * 1024),
            offset: 0,
            line_breaks: 0,
            before: 0,
        }
    }

    /// Drops the bytes before stream offset `at`, counting their line breaks.
    fn forget_before(&mut self, at: u64) {
        let done =
            usize::try_from(at.saturating_sub(self.offset)).unwrap_or(usize::MAX).min(self.pending.len());
        let mut before = self.before;
        for b in self.pending.drain(..done) {
            self.line_breaks += u64::from(is_break(before, b));
            before = b;
        }
        self.before = before;
        self.offset += done as u64;
    }

    /// The line of the first byte at or after `at` that is not a line break:
    /// where a record read from `at` begins.
    fn line_at(&mut self, at: u64) -> u64 {
        self.forget_before(at);
        let mut before = self.before;
        let mut line = 1 + self.line_breaks;
        for &b in self.pending.iter().take_while(|&&b| b == b'\n' || b == b'\r') {
            line += u64::from(is_break(before, b));
            before = b;
        }
        line
    }
}

/// Whether `b` starts a new line: every `\r`, and a `\n` unless it completes
/// a `\r\n`.
fn is_break(before: u8, b: u8) -> bool {
    b == b'\r' || (b == b'\n' && before != b'\r')
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // The csv reader only asks for more when it has used all it has, so
        // `pending` is the current record so far (and the lines before it).
        if self.pending.len() > MAX_RECORD_BYTES {
            return Err(io::Error::new(io::ErrorKind::InvalidData, RecordTooLarge));
        }
        loop {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.pending.extend(&buf[..n]);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use polku_domain::{Lang, MunicipalityCode};

    use super::*;
    use crate::synthetic;

    #[test]
    fn memory_stays_flat_however_long_the_file() {
        let options = TransferOptions {
            transfer_date: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            default_language: Lang::Fi,
            municipalities: vec![MunicipalityCode::parse("638").unwrap()],
        };
        let mut reader = read(synthetic::reader(30_000, 3, "638"), &options).unwrap();
        let mut lines = 0;
        let mut most = 0;
        while let Some(line) = reader.next() {
            lines += 1;
            assert_eq!(line.number, lines + 1);
            most = most.max(reader.csv.get_ref().pending.len());
        }
        assert_eq!(lines, 30_000);
        // The csv buffer (8 KiB) and a row or two, never the file (~4 MB).
        assert!(most < 16 * 1024, "{most} bytes held");
    }

    #[test]
    fn counts_lone_carriage_returns_and_crlf_as_one_break_each() {
        let mut t = LineTracker::new(&b"a\r\n\r\rb\nc"[..]);
        let mut buf = [0u8; 16];
        assert_eq!(t.read(&mut buf).unwrap(), 8);
        assert_eq!(t.line_at(0), 1);
        assert_eq!(t.line_at(1), 4, "after a CRLF and two lone CRs");
        assert_eq!(t.line_at(3), 4);
        assert_eq!(t.line_at(5), 4);
        assert_eq!(t.line_at(7), 5);
    }
}
