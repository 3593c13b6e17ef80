//! `--report` / `--report-json`: the numbers agree with the run's summary,
//! the page is self-contained and escaped, the cleaned output does not
//! change, and the report does not depend on `-j`.

use crate::util::{ok, run, TempDir};
use serde_json::Value;

/// The shipped sample corpus plus a site whose boilerplate is HTML that
/// would load something from the network if it were not escaped.
fn input(t: &TempDir) -> String {
    let mut s = std::fs::read_to_string("corpus/sample/corpus.jsonl").unwrap();
    for i in 0..8 {
        let text = format!(
            "Story {i} about the bridge {} and the river.\n<img src=\"http://evil.example/p.png\"><script src=https://evil.example/x.js></script> & <a href='https://evil.example/'>subscribe</a>",
            i * 37
        );
        s.push_str(
            &serde_json::json!({"id": format!("evil-{i}"), "site": "evil.example", "text": text})
                .to_string(),
        );
        s.push('\n');
    }
    let p = t.s("in.jsonl");
    std::fs::write(&p, s).unwrap();
    p
}

fn clean(t: &TempDir, inp: &str, tag: &str, extra: &[&str]) -> (Vec<u8>, String) {
    let out = t.s(&format!("out-{tag}.jsonl"));
    let mut args = vec!["clean", inp, "-o", &out, "--group-field", "site"];
    args.extend_from_slice(extra);
    let r = run(&args, b"");
    ok(&r);
    (
        std::fs::read(&out).unwrap(),
        String::from_utf8_lossy(&r.stderr).into_owned(),
    )
}

/// Every `src=` / `href=` attribute value of the page's tags.
fn attribute_urls(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let tail = &rest[lt..];
        let end = tail.find('>').unwrap_or(tail.len());
        let tag = tail[..end].to_ascii_lowercase();
        for attr in ["src=", "href=", "xlink:href=", "action="] {
            let mut t = tag.as_str();
            while let Some(p) = t.find(attr) {
                let v = t[p + attr.len()..].trim_start_matches(['"', '\'']);
                let v: String = v
                    .chars()
                    .take_while(|c| !c.is_whitespace() && !"\"'>".contains(*c))
                    .collect();
                urls.push(v);
                t = &t[p + attr.len()..];
            }
        }
        rest = &tail[end.min(tail.len())..];
        if end == tail.len() {
            break;
        }
    }
    urls
}

#[test]
fn report_agrees_with_the_summary_and_is_self_contained() {
    let t = TempDir::new("report-numbers");
    let inp = input(&t);
    let (html_p, json_p) = (t.s("r.html"), t.s("r.json"));
    let (out, stderr) = clean(
        &t,
        &inp,
        "a",
        &["--report", &html_p, "--report-json", &json_p],
    );
    let j: Value = serde_json::from_slice(&std::fs::read(&json_p).unwrap()).unwrap();
    let html = std::fs::read_to_string(&html_p).unwrap();
    // The summary's line: "cleaned N documents in G groups ..." and
    // "text X, removed Y (P%) from D documents".
    let docs: u64 = stderr
        .split("cleaned ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("summary has a document count");
    assert_eq!(j["documents"], docs, "{stderr}");
    let share = stderr
        .split("removed ")
        .nth(1)
        .and_then(|s| s.split('(').nth(1))
        .and_then(|s| s.split('%').next())
        .expect("summary has a share");
    let j_share = format!("{:.2}", 100.0 * j["share_removed"].as_f64().unwrap());
    assert_eq!(j_share, share, "{stderr}");
    assert!(
        html.contains(&format!("<b>{share}%</b>")),
        "share in the page"
    );
    assert!(html.contains(&format!("{docs} documents in ")));
    // Bytes: what was read and what was written.
    let bytes_in = std::fs::metadata(&inp).unwrap().len();
    assert_eq!(j["bytes_in"], bytes_in);
    assert_eq!(j["bytes_out"], out.len() as u64);
    assert!(html.contains(&format!("{bytes_in} / {} bytes", out.len())));
    // Removed bytes per site add up, and the text the output lost.
    let sites = j["sites"].as_array().unwrap();
    let removed: u64 = sites
        .iter()
        .map(|s| s["removed_bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(j["removed_bytes"], removed);
    let pages: u64 = sites.iter().map(|s| s["pages"].as_u64().unwrap()).sum();
    assert_eq!(pages, docs);
    let hist = &j["removal_histogram"];
    let in_hist: u64 = hist["none"].as_u64().unwrap()
        + hist["deciles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>();
    assert_eq!(in_hist, docs);
    // Blocks carry why they were removed.
    let blocks = sites[0]["blocks"].as_array().unwrap();
    assert!(!blocks.is_empty());
    assert!(blocks
        .iter()
        .all(|b| !b["kinds"].as_array().unwrap().is_empty()));
    // Self-contained: nothing loaded from anywhere, no script, and the
    // scraped HTML shown as text.
    let urls = attribute_urls(&html);
    assert!(urls.iter().all(|u| u.starts_with('#')), "{urls:?}");
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<link"));
    assert!(!html.contains("url(") && !html.contains("@import"));
    assert!(html.contains("&lt;script src=https://evil.example/x.js&gt;"));
    // The test of the test: a page with a real reference is caught.
    assert_eq!(
        attribute_urls("<p>x</p><img src=\"http://a/b\">"),
        ["http://a/b"]
    );
}

#[test]
fn output_unchanged_and_report_independent_of_threads() {
    let t = TempDir::new("report-threads");
    let inp = input(&t);
    let (plain, _) = clean(&t, &inp, "plain", &["-q"]);
    let mut reports = Vec::new();
    for j in ["1", "2", "3"] {
        let (h, js) = (t.s(&format!("r{j}.html")), t.s(&format!("r{j}.json")));
        let (out, _) = clean(
            &t,
            &inp,
            j,
            &["-q", "-j", j, "--report", &h, "--report-json", &js],
        );
        assert!(out == plain, "output with --report -j {j} differs");
        reports.push((std::fs::read(&h).unwrap(), std::fs::read(&js).unwrap()));
    }
    assert!(
        reports.iter().all(|r| *r == reports[0]),
        "report depends on -j"
    );
}

#[test]
fn apply_writes_a_report_too() {
    let t = TempDir::new("report-apply");
    let inp = input(&t);
    let model = t.s("m.bcm");
    ok(&run(
        &["learn", &inp, "-o", &model, "--group-field", "site", "-q"],
        b"",
    ));
    let (out, h) = (t.s("o.jsonl"), t.s("r.html"));
    ok(&run(
        &[
            "apply",
            "--model",
            &model,
            &inp,
            "-o",
            &out,
            "--group-field",
            "site",
            "-q",
            "--report",
            &h,
        ],
        b"",
    ));
    let html = std::fs::read_to_string(&h).unwrap();
    assert!(html.contains("Removed blocks per site") && html.ends_with("</html>\n"));
}

/// Random lowercase words, none of them repeated by chance.
fn words(rng: &mut crate::util::Rng, n: usize) -> String {
    (0..n)
        .map(|_| {
            (0..7)
                .map(|_| char::from(b'a' + (rng.next() % 26) as u8))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn lines_one_page_short_of_the_threshold_are_listed_as_kept() {
    // 40 pages (threshold 4): 80 lines each in exactly 3 pages, between
    // unique paragraphs, and a footer in every page (removed).
    let t = TempDir::new("report-near");
    let mut rng = crate::util::Rng::new(7);
    let lines: Vec<String> = (0..80).map(|_| words(&mut rng, 6)).collect();
    let mut s = String::new();
    for p in 0..40 {
        let mut text = format!("{}.\n", words(&mut rng, 40));
        for (k, l) in lines.iter().enumerate() {
            if [k % 40, (k + 13) % 40, (k + 26) % 40].contains(&p) {
                text.push_str(&format!("{l}\n{}.\n", words(&mut rng, 12)));
            }
        }
        text.push_str("Subscribe to our newsletter for the best stories every morning.");
        s.push_str(&serde_json::json!({"site": "near.example", "text": text}).to_string());
        s.push('\n');
    }
    let inp = t.s("in.jsonl");
    std::fs::write(&inp, s).unwrap();
    let js = t.s("r.json");
    clean(&t, &inp, "near", &["-q", "--report-json", &js]);
    let j: Value = serde_json::from_slice(&std::fs::read(&js).unwrap()).unwrap();
    let site = &j["sites"][0];
    assert!(site["removed_bytes"].as_u64().unwrap() > 0, "{site}");
    let near = site["kept_near_threshold"].as_array().unwrap();
    assert!(!near.is_empty(), "{site}");
    for n in near {
        assert!(lines.iter().any(|l| n["text"] == l.as_str()), "{n}");
        assert_eq!(n["pages"], 3, "{n}");
    }
}

#[test]
fn the_largest_sites_are_followed_in_detail() {
    // 100 sites of 5 pages and two of 4: the details are the 100 largest
    // (by pages learned), however much the smaller two lost.
    let t = TempDir::new("report-detail");
    let mut rng = crate::util::Rng::new(11);
    let mut s = String::new();
    let mut add = |site: &str, pages: usize, footer: &str| {
        for _ in 0..pages {
            let text = format!("{}.\n{footer}", words(&mut rng, 30));
            s.push_str(&serde_json::json!({"site": site, "text": text}).to_string());
            s.push('\n');
        }
    };
    for k in 0..100 {
        add(
            &format!("site{k:03}.example"),
            5,
            "Share this story with friends.",
        );
    }
    let long = "Support our newsroom: give once or every month, and keep local reporting free for everyone who reads it.";
    add("small-a.example", 4, long);
    add("small-b.example", 4, long);
    let inp = t.s("in.jsonl");
    std::fs::write(&inp, s).unwrap();
    let js = t.s("r.json");
    clean(&t, &inp, "detail", &["-q", "--report-json", &js]);
    let j: Value = serde_json::from_slice(&std::fs::read(&js).unwrap()).unwrap();
    assert_eq!(j["sites_in_detail"], 100);
    let sites = j["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 102);
    for site in sites {
        let name = site["site"].as_str().unwrap();
        assert!(site["removed_bytes"].as_u64().unwrap() > 0, "{site}");
        assert_eq!(
            site.get("blocks").is_some(),
            !name.starts_with("small"),
            "{site}"
        );
    }
    // The small sites lost the most bytes each, so they lead the list.
    assert!(sites[0]["site"].as_str().unwrap().starts_with("small"));
}
