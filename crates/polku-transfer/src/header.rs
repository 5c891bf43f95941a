//! The header line: which delimiter the file uses, and which field of a
//! record holds which column. Column order is free and names are matched
//! without regard to case, surrounding spaces or Finnish letters.

use crate::TransferError;

/// The columns of the transfer file, in the order of the spec. One,
/// `ansiosidonnainen`, is Polku's extension (`docs/transfer-csv.md`): the TE
/// office's format does not have it, and a file without it reads as before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Hetu,
    LastName,
    FirstNames,
    MotherTongue,
    ServiceLanguage,
    HomeMunicipality,
    UnemployedSince,
    Benefit,
    InService,
    /// Whether the person has a right to earnings-related allowance.
    EarningsRelated,
    StreetAddress,
    PostalCode,
    PostOffice,
    Phone,
    Email,
}

impl Column {
    pub const ALL: [Column; 15] = [
        Column::Hetu,
        Column::LastName,
        Column::FirstNames,
        Column::MotherTongue,
        Column::ServiceLanguage,
        Column::HomeMunicipality,
        Column::UnemployedSince,
        Column::Benefit,
        Column::InService,
        Column::EarningsRelated,
        Column::StreetAddress,
        Column::PostalCode,
        Column::PostOffice,
        Column::Phone,
        Column::Email,
    ];

    /// The header name as the spec writes it; also what a [`crate::Rejection`]
    /// names.
    pub fn header(self) -> &'static str {
        match self {
            Column::Hetu => "henkilotunnus",
            Column::LastName => "sukunimi",
            Column::FirstNames => "etunimet",
            Column::MotherTongue => "aidinkieli",
            Column::ServiceLanguage => "asiointikieli",
            Column::HomeMunicipality => "kotikunta",
            Column::UnemployedSince => "tyottomyys_alkanut",
            Column::Benefit => "etuus",
            Column::InService => "palvelussa",
            Column::EarningsRelated => "ansiosidonnainen",
            Column::StreetAddress => "lahiosoite",
            Column::PostalCode => "postinumero",
            Column::PostOffice => "postitoimipaikka",
            Column::Phone => "puhelin",
            Column::Email => "sahkoposti",
        }
    }

    pub fn required(self) -> bool {
        matches!(
            self,
            Column::Hetu
                | Column::LastName
                | Column::FirstNames
                | Column::MotherTongue
                | Column::HomeMunicipality
        )
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Where each known column sits in a record, and the header names that were
/// not recognised.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    positions: [Option<usize>; Column::ALL.len()],
    /// The number of fields in the header; every record must have as many.
    pub(crate) width: usize,
    pub(crate) unknown: Vec<String>,
}

impl Layout {
    /// Matches header names to columns. A required column that is absent is
    /// an error for the whole file; so is a known column given twice, as we
    /// could only guess which of the two to believe. Empty header names (a
    /// trailing delimiter) are not worth listing as unknown.
    pub(crate) fn from_header<'a>(
        names: impl ExactSizeIterator<Item = &'a [u8]>,
    ) -> Result<Layout, TransferError> {
        let mut layout =
            Layout { positions: [None; Column::ALL.len()], width: names.len(), unknown: Vec::new() };
        for (i, raw) in names.enumerate() {
            let name = String::from_utf8_lossy(raw);
            let name = name.trim();
            match Column::ALL.iter().find(|c| folded_eq(name, c.header())) {
                Some(&column) if layout.positions[column.index()].is_some() => {
                    return Err(TransferError::DuplicateColumn { column: column.header() });
                }
                Some(&column) => layout.positions[column.index()] = Some(i),
                None if name.is_empty() => {}
                None => layout.unknown.push(name.to_string()),
            }
        }
        let missing: Vec<&'static str> = Column::ALL
            .iter()
            .filter(|c| c.required() && layout.positions[c.index()].is_none())
            .map(|c| c.header())
            .collect();
        if !missing.is_empty() {
            return Err(TransferError::MissingColumns { columns: missing });
        }
        Ok(layout)
    }

    /// The field index of a column, `None` for an optional column the file
    /// does not have.
    pub(crate) fn position(&self, column: Column) -> Option<usize> {
        self.positions[column.index()]
    }
}

/// Picks `;` or `,`, whichever occurs more often outside quotes in the header
/// line. Header names contain neither, so in practice one of the counts is
/// zero; a tie (a one-column file) falls back to `,`, the CSV default.
pub(crate) fn detect_delimiter(header_line: &[u8]) -> u8 {
    let (mut semicolons, mut commas, mut quoted) = (0usize, 0usize, false);
    for &b in header_line {
        match b {
            b'"' => quoted = !quoted,
            b';' if !quoted => semicolons += 1,
            b',' if !quoted => commas += 1,
            _ => {}
        }
    }
    if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// Compares a trimmed value with a lower-case ASCII word, ignoring case and
/// reading `ä`, `å` as `a` and `ö` as `o`, so that `Äidinkieli` and
/// `TYÖMARKKINATUKI` from a hand-edited spreadsheet still match.
pub(crate) fn folded_eq(value: &str, ascii_lower: &str) -> bool {
    value.chars().map(fold).eq(ascii_lower.chars())
}

fn fold(c: char) -> char {
    match c {
        'ä' | 'Ä' | 'å' | 'Å' => 'a',
        'ö' | 'Ö' => 'o',
        c => c.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(header: &str, delimiter: char) -> Result<Layout, TransferError> {
        let names: Vec<&[u8]> = header.split(delimiter).map(str::as_bytes).collect();
        Layout::from_header(names.into_iter())
    }

    #[test]
    fn detects_the_delimiter_outside_quotes() {
        assert_eq!(detect_delimiter(b"henkilotunnus;sukunimi;etunimet"), b';');
        assert_eq!(detect_delimiter(b"henkilotunnus,sukunimi,etunimet\r\n"), b',');
        assert_eq!(detect_delimiter(b"\"a,b,c\";d;e"), b';');
        assert_eq!(detect_delimiter(b"henkilotunnus"), b',');
    }

    #[test]
    fn matches_names_loosely_and_lists_the_unknown() {
        let l = layout(" KOTIKUNTA ;Äidinkieli;lisatieto;Etunimet;SUKUNIMI;henkilötunnus;;Sähköposti", ';')
            .unwrap();
        assert_eq!(l.position(Column::HomeMunicipality), Some(0));
        assert_eq!(l.position(Column::MotherTongue), Some(1));
        assert_eq!(l.position(Column::Hetu), Some(5));
        assert_eq!(l.position(Column::Email), Some(7));
        assert_eq!(l.position(Column::Phone), None);
        assert_eq!(l.unknown, ["lisatieto"]);
        assert_eq!(l.width, 8);
    }

    #[test]
    fn names_every_missing_required_column() {
        let err = layout("henkilotunnus,etunimet,asiointikieli", ',').unwrap_err();
        assert_eq!(err.code(), "MISSING_COLUMNS");
        let TransferError::MissingColumns { columns } = &err else { panic!("{err:?}") };
        assert_eq!(columns, &["sukunimi", "aidinkieli", "kotikunta"]);
        assert!(err.to_string().contains("sukunimi, aidinkieli, kotikunta"), "{err}");
    }

    #[test]
    fn every_column_sits_at_its_own_index() {
        assert!(Column::ALL.iter().enumerate().all(|(i, c)| c.index() == i));
    }

    #[test]
    fn refuses_a_column_given_twice() {
        let err = layout("henkilotunnus,sukunimi,etunimet,aidinkieli,kotikunta,Sukunimi", ',').unwrap_err();
        assert!(matches!(err, TransferError::DuplicateColumn { column: "sukunimi" }), "{err:?}");
    }
}
