//! Shared helpers: temporary folders, running the real binary, fixtures in
//! the pattern of scraped articles.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The built `boilercut` binary.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_boilercut"))
}

/// Run the binary with `args`, feeding `stdin`, and return its output.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn boilercut");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait boilercut");
    feeder.join().unwrap();
    out
}

/// Run the binary with `args`, feed it `input`, read 10 bytes of its
/// standard output and close it (as `| head -c10` does): the output of a
/// run that ended quietly, as a closed pipe should leave it.
pub fn close_stdout_early(args: &[&str], input: String) -> Output {
    use std::io::Write;
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn boilercut");
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 10];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().expect("wait boilercut");
    feeder.join().unwrap();
    out
}

/// A temporary folder removed at the end of the test.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("boilercut-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
    pub fn s(&self, p: &str) -> String {
        self.join(p).to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small deterministic generator (xorshift), so fixtures need no crate.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const SYLLABLES: &[&str] = &[
    "ba", "ker", "lo", "min", "sta", "ve", "dor", "ri", "tan", "gu", "pel", "fo", "nar", "si",
    "col", "tre", "mo", "lin", "da", "rus", "ke", "val", "po", "shen", "at", "or", "en", "il",
];

/// A made-up word of two or three syllables: the fixture's vocabulary is
/// large, so articles share no long word sequences by chance.
pub fn word(rng: &mut Rng) -> String {
    let n = 2 + rng.below(2);
    (0..n).map(|_| rng.pick(SYLLABLES)).collect()
}

/// A sentence of 8 to 20 made-up words, capitalised, ending with a period.
pub fn sentence(rng: &mut Rng) -> String {
    let n = 8 + rng.below(13);
    let mut s: Vec<String> = (0..n).map(|_| word(rng)).collect();
    if rng.below(4) == 0 {
        s.insert(n / 2, format!("{}", rng.below(2000)));
    }
    let mut out = s.join(" ");
    out[..1].make_ascii_uppercase();
    out.push('.');
    out
}

/// Hard-wrap a text at `width` columns, breaking at spaces only.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut col = 0;
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            if col + 1 + word.len() > width {
                out.push('\n');
                col = 0;
            } else {
                out.push(' ');
                col += 1;
            }
        }
        out.push_str(word);
        col += word.len();
    }
    out
}

/// The words of a text, for comparing texts regardless of wrapping.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The appeal of the fixture site, with a varying amount; `drop_piece`
/// removes a sentence from the middle, as scrapers do.
pub fn appeal(amount: u32, drop_piece: bool) -> String {
    let mut parts = vec![
        "A Note from The Harbor Ledger:Dear readers,We are facing the hardest year in our history.",
        "Our reporters have been threatened and our printing press was shut down last spring.",
        "We refuse to stop reporting on the harbour and the people who live by it.",
        "But to keep going, we need your help.Every gift, no matter how small, keeps a reporter on the docks.",
    ];
    if drop_piece {
        parts.remove(2);
    }
    let mut s = parts.join(" ");
    s.push_str(&format!(
        " Please support us monthly starting from just ${amount}. It takes a minute to set up and every contribution counts.\
By supporting the Ledger you defend independent local news.We will send you one reminder email a month from now."
    ));
    s
}

/// Six articles in the seed's pattern: a scraper prefix glued to the first
/// sentence, sentences glued without spaces, the appeal glued mid-line after
/// the last sentence, every article hard-wrapped at its own width. Returns
/// (document, article text without prefix and appeal).
pub fn seed_like_articles() -> Vec<(String, String)> {
    let mut rng = Rng::new(7);
    let widths = [72, 88, 101, 117, 129, 140];
    let amounts = [2, 5, 2, 10, 3, 25];
    (0..6)
        .map(|a| {
            let sentences: Vec<String> = (0..8).map(|_| sentence(&mut rng)).collect();
            // Glue some sentences without a space, as the seed does.
            let mut article = String::new();
            for (i, s) in sentences.iter().enumerate() {
                if i > 0 && i % 3 != 0 {
                    article.push(' ');
                }
                article.push_str(s);
            }
            let body = format!("{article}{}", appeal(amounts[a], a == 3));
            let doc = format!("LEDGERWIRE EXCLUSIVE:\n{}", wrap(&body, widths[a]));
            (doc, article)
        })
        .collect()
}

/// Assert that a run of the binary succeeded, showing its stderr if not.
pub fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "status {:?}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
