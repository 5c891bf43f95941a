//! Deterministic synthetic transfer files for tests and benchmarks: valid
//! identity codes, Finnish and Swedish names, mixed eligibility, and about
//! one row in a hundred deliberately invalid. No `rand`: a xorshift is enough
//! and keeps a given seed's file the same across dependency upgrades.

use std::io::{self, Read};

use chrono::{Datelike, Duration, NaiveDate};

/// The header the generator writes, in the order of the spec.
pub const HEADER: &str = "henkilotunnus,sukunimi,etunimet,aidinkieli,asiointikieli,kotikunta,\
tyottomyys_alkanut,etuus,palvelussa,lahiosoite,postinumero,postitoimipaikka,puhelin,sahkoposti";

const CHECK_CHARS: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

const FINNISH_FIRST: &[&str] = &[
    "Aino",
    "Anne",
    "Eveliina",
    "Jukka",
    "Juha",
    "Kaisa",
    "Matti",
    "Mikko",
    "Päivi",
    "Sari",
    "Satu",
    "Timo",
    "Tiina",
    "Väinö",
    "Jääskö",
    "Antti",
    "Helmi",
    "Eero",
];
const SWEDISH_FIRST: &[&str] =
    &["Göran", "Ebba", "Björn", "Kristina", "Märta", "Ulrika", "Anders", "Erik", "Johan", "Åsa", "Mikael"];
const OTHER_FIRST: &[&str] = &["Mohamed", "Olga", "Tatjana", "Dmitri", "Nguyen", "Ahmed", "Fatima", "Olena"];
const FINNISH_LAST: &[&str] = &[
    "Järvinen",
    "Lehtonen",
    "Heikkinen",
    "Koskinen",
    "Nieminen",
    "Saarinen",
    "Mäkinen",
    "Laine",
    "Virtanen",
    "Korhonen",
    "Hämäläinen",
];
const SWEDISH_LAST: &[&str] =
    &["Sjöberg", "Holmström", "Åkerlund", "Lindqvist", "Enqvist", "Björklund", "Lindroos", "Grönholm"];
const OTHER_LAST: &[&str] = &["Ali", "Tran", "Warsame", "Smirnova", "Abdi", "Ivanova", "Hassan", "Kovalenko"];
const OTHER_TONGUES: &[&str] = &["ru", "et", "ar", "so", "en", "fa", "vi", "uk", "ku"];
const STREETS: &[&str] =
    &["Kauppakatu", "Mannerheiminkatu", "Runebergsgatan", "Jokikatu", "Aleksanterinkatu", "Strandvägen"];
const BENEFITS: &[&str] = &["tyomarkkinatuki", "peruspaivaraha", "ansiopaivaraha", "ei", ""];
const BOOLEANS: &[&str] = &["1", "0", "", "kyllä", "ei", "true", "false", "ja", "nej"];

/// `rows` data lines for `municipality` (a three-digit code, which should be
/// in the area the file is read for), header first. Each item is one line
/// without its line break; no field contains one. The same arguments always
/// give the same lines.
///
/// About 1 % of the rows (each row with probability 1/100) have exactly one
/// invalid field, so each of them is rejected with exactly one rejection.
pub fn synthetic(rows: usize, seed: u64, municipality: &str) -> impl Iterator<Item = String> {
    let mut generator = Generator::new(seed, municipality);
    std::iter::once(HEADER.to_string()).chain((0..rows).map(move |_| generator.row()))
}

/// The same file as a `Read`, with `\n` line ends, made as it is read: a
/// benchmark can stream 300,000 rows without a file or the whole text in
/// memory.
pub fn reader(rows: usize, seed: u64, municipality: &str) -> impl Read {
    LinesReader { lines: synthetic(rows, seed, municipality), current: Vec::new(), at: 0 }
}

struct LinesReader<I> {
    lines: I,
    current: Vec<u8>,
    at: usize,
}

impl<I: Iterator<Item = String>> Read for LinesReader<I> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            let Some(line) = self.lines.next() else { return Ok(0) };
            self.current = line.into_bytes();
            self.current.push(b'\n');
            self.at = 0;
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

struct Generator {
    state: u64,
    municipality: String,
    other_municipality: &'static str,
}

impl Generator {
    fn new(seed: u64, municipality: &str) -> Self {
        // splitmix64 spreads nearby seeds apart and never leaves the
        // xorshift state at zero, where it would stay.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Generator {
            state: z | 1,
            municipality: municipality.to_string(),
            other_municipality: if municipality == "999" { "998" } else { "999" },
        }
    }

    /// xorshift64*.
    fn next(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        // The bias of a plain modulo is far below what these files need.
        (self.next() >> 11) % n
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        // `below(n)` is less than n, which came from a usize.
        items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }

    fn date_between(&mut self, first: NaiveDate, last: NaiveDate) -> NaiveDate {
        let span = (last - first).num_days().unsigned_abs() + 1;
        first + Duration::days(i64::try_from(self.below(span)).unwrap_or(0))
    }

    fn hetu(&mut self) -> String {
        let born = self.date_between(ymd(1958, 1, 1), ymd(2007, 12, 31));
        let sign = match (born.year() >= 2000, self.below(10) < 7) {
            (false, true) => '-',
            (false, false) => self.pick(&['Y', 'X', 'W', 'V', 'U']),
            (true, true) => 'A',
            (true, false) => self.pick(&['B', 'C', 'D', 'E', 'F']),
        };
        let individual = 2 + self.below(898);
        let digits = format!("{:02}{:02}{:02}", born.day(), born.month(), born.year() % 100);
        let number: u64 = digits.parse::<u64>().unwrap_or(0) * 1000 + individual;
        let check = CHECK_CHARS[(number % 31) as usize] as char;
        format!("{digits}{sign}{individual:03}{check}")
    }

    fn row(&mut self) -> String {
        let mut hetu = self.hetu();
        let (first, last, tongue) = match self.below(100) {
            0..=79 => (self.names(FINNISH_FIRST), self.pick(FINNISH_LAST), "fi"),
            80..=89 => (self.names(SWEDISH_FIRST), self.pick(SWEDISH_LAST), "sv"),
            90 => (self.names(FINNISH_FIRST), self.pick(FINNISH_LAST), "se"),
            _ => (self.names(OTHER_FIRST), self.pick(OTHER_LAST), self.pick(OTHER_TONGUES)),
        };
        let mut last = last.to_string();
        let mut tongue = tongue.to_string();
        let service = match (self.below(2), tongue.as_str()) {
            (0, _) => "",
            (_, "sv") => "sv",
            (_, "fi" | "se") => "fi",
            _ => self.pick(&["fi", "sv", "en"]),
        };
        let mut municipality = self.municipality.clone();
        let unemployed = self.date_between(ymd(2015, 1, 1), ymd(2026, 6, 30));
        let mut unemployed = match self.below(3) {
            0 => unemployed.format("%Y-%m-%d").to_string(),
            1 => unemployed.format("%-d.%-m.%Y").to_string(),
            _ => unemployed.format("%d.%m.%Y").to_string(),
        };
        let mut benefit = self.pick(BENEFITS).to_string();
        let mut in_service = self.pick(BOOLEANS).to_string();
        let street = self.pick(STREETS);
        let address = match self.below(20) {
            0 => format!("\"{street} {} B, as. {}\"", 1 + self.below(80), 1 + self.below(40)),
            _ => format!("{street} {}", 1 + self.below(80)),
        };
        let mut postal = format!("{:05}", self.below(100_000));
        let office = self.pick(&["Porvoo", "Borgå", "Askola", "Loviisa", "Lovisa"]);
        let phone = match self.below(3) {
            0 => format!("+358 40 {:03} {:04}", self.below(1000), self.below(10_000)),
            _ => format!("040{:07}", self.below(10_000_000)),
        };
        let mut email = match self.below(5) {
            0..=2 => format!("{}.{}@example.fi", ascii(first.split(' ').next().unwrap_or("x")), ascii(&last)),
            _ => String::new(),
        };

        if self.below(100) == 0 {
            match self.below(9) {
                0 => {
                    // Any other check character is a checksum error.
                    let wrong = if hetu.ends_with('0') { '1' } else { '0' };
                    hetu.pop();
                    hetu.push(wrong);
                }
                1 => municipality = self.other_municipality.to_string(),
                2 => unemployed = "31.2.2021".to_string(),
                3 => benefit = "asumistuki".to_string(),
                4 => in_service = "ehkä".to_string(),
                5 => postal = "123".to_string(),
                6 => email = "ei-osoitetta".to_string(),
                7 => tongue = "xx".to_string(),
                _ => last.clear(),
            }
        }
        [
            hetu.as_str(),
            &last,
            &first,
            &tongue,
            service,
            &municipality,
            &unemployed,
            &benefit,
            &in_service,
            &address,
            &postal,
            office,
            &phone,
            &email,
        ]
        .join(",")
    }

    /// One or two first names.
    fn names(&mut self, from: &[&str]) -> String {
        let first = self.pick(from);
        if self.below(2) == 0 {
            first.to_string()
        } else {
            format!("{first} {}", self.pick(from))
        }
    }
}

/// A name as it might appear in an e-mail address.
fn ascii(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'ä' | 'å' | 'Ä' | 'Å' => 'a',
            'ö' | 'Ö' => 'o',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}
