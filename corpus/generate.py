#!/usr/bin/env python3
"""Labelled boilerplate corpus generator for boilercut.

Writes synthetic scraped news articles grouped by site, with boilerplate blocks
(appeals, newsletter prompts, cookie notices, share bars, copyright lines, author
bios, ad inserts, scraper prefixes, "Read more" labels, non-Latin blocks) inserted
with the noise of real scraped text (hard wrapping, glued sentences, truncated
copies, varying numbers), plus hard negatives that must be kept (follow-up
paragraphs, wire stories, common news phrases).  Every span is labelled with byte
offsets into the UTF-8 text.  Standard library only; deterministic for a --seed.

    python3 corpus/generate.py --docs 5000 --sites 36 --seed 1 --out DIR
    python3 corpus/generate.py --hard --seed 13 --out corpus/hard   # hard cases, one per site

See corpus/README.md for every option and the label format.
"""

import argparse
import bisect
import gzip
import json
import math
import os
import random
import sys
import time

sys.dont_write_bytecode = True  # keep corpus/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vocab as V  # noqa: E402

KINDS = ("appeal", "newsletter", "cookie", "share", "copyright", "bio", "ad",
         "prefix", "readmore", "nonlatin")
KEEP_KINDS = ("keep:followup", "keep:wire", "keep:phrase")

_enc = json.encoder.encode_basestring  # C implementation, ensure_ascii=False


def uniq(words):
    seen = set()
    out = []
    for w in words:
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


# ------------------------------------------------------------------ word forms
def plural(n):
    if n in V.IRREG_PLURAL:
        return V.IRREG_PLURAL[n]
    if n in V.UNCOUNTABLE:
        return n
    if n.endswith(("s", "x", "z", "ch", "sh")):
        return n + "es"
    if n.endswith("y") and n[-2] not in "aeiou":
        return n[:-1] + "ies"
    return n + "s"


def past(v):
    if v in V.IRREG_PAST:
        return V.IRREG_PAST[v][0]
    if v.endswith("e"):
        return v + "d"
    if v.endswith("y") and v[-2] not in "aeiou":
        return v[:-1] + "ied"
    return v + "ed"


def participle(v):
    if v in V.IRREG_PAST:
        return V.IRREG_PAST[v][1]
    return past(v)


def third(v):
    if v.endswith(("s", "x", "z", "ch", "sh", "o")):
        return v + "es"
    if v.endswith("y") and v[-2] not in "aeiou":
        return v[:-1] + "ies"
    return v + "s"


class Pool:
    """Zipf-Mandelbrot sampler: a 65536-entry table of pre-drawn words, indexed by
    16 random bits, so one draw is one C-level call plus an index."""

    __slots__ = ("table",)

    def __init__(self, words, rng, s=1.0, q=2.7):
        words = list(words)
        rng.shuffle(words)  # rank order differs per seed
        w = [1.0 / (r + 1 + q) ** s for r in range(len(words))]
        tot = sum(w)
        # every word at least once, the rest of the 65536 slots by cumulative weight
        size = 65536 - len(words)
        table = list(words)
        acc = 0.0
        done = 0
        for word, x in zip(words, w):
            acc += x * size / tot
            k = int(acc + 0.5) - done
            if k > 0:
                table.extend([word] * k)
                done += k
        self.table = (table + words * (65536 // len(words) + 1))[:65536]


# ------------------------------------------------------------------ English text
class English:
    """Template grammar for news-like English sentences with Zipf word choice."""

    def __init__(self, rng):
        nouns = uniq(V.NOUNS)
        verbs = uniq(V.VERBS)
        self.noun = Pool(nouns, rng, 1.0).table
        self.nouns = Pool([plural(n) for n in nouns], rng, 1.0).table
        self.vpast = Pool([past(v) for v in verbs], rng, 0.95).table
        self.vbase = Pool(verbs, rng, 0.95).table
        self.vpart = Pool([participle(v) for v in verbs], rng, 0.95).table
        self.v3 = Pool([third(v) for v in verbs], rng, 0.95).table
        self.adj = Pool(uniq(V.ADJECTIVES), rng, 1.0).table
        self.adv = Pool(uniq(V.ADVERBS), rng, 1.0).table
        self.prep = Pool(V.PREPS, rng, 1.1).table
        self.first = Pool(uniq(V.FIRST_NAMES), rng, 0.7).table
        self.last = Pool(uniq(V.SURNAMES), rng, 0.7).table
        self.place = Pool(uniq(V.PLACES), rng, 0.8).table
        self.country = Pool(uniq(V.COUNTRIES), rng, 0.9).table
        self.role = Pool(V.ROLES, rng, 1.0).table
        orgs = []
        for h in V.ORG_HEADS:
            for t in V.ORG_TOPICS:
                orgs.append(f"{h} of {t}" if rng.random() < 0.5 else f"{t} {h}")
        for s in V.SURNAMES[:120]:
            orgs.append(f"{s} {rng.choice(V.COMPANY_SUFFIX)}")
        for p in V.PLACES[:80]:
            orgs.append(f"{p} {rng.choice(V.COMPANY_SUFFIX)}")
        self.org = Pool(uniq(orgs), rng, 0.8).table

        # pre-drawn noun and prepositional phrases: one draw is one index
        r = rng.getrandbits
        self.npp = [self.np_slow(r, None) for _ in range(1 << 17)]
        self.ppp = [self.pp_slow(r, None) for _ in range(1 << 17)]

    def np(self, rb, loc):
        if loc is not None and rb(3) == 0:
            return loc.mix[rb(16) % len(loc.mix)]
        return self.npp[rb(17)]

    def pp(self, rb, loc):
        if loc is not None and rb(4) == 0:
            return self.prep[rb(16)] + " " + loc.mix[rb(16) % len(loc.mix)]
        return self.ppp[rb(17)]

    # each helper takes (rb, local) where rb = rng.getrandbits bound, local = site extras
    def person(self, rb, loc):
        if loc and rb(2) == 0:
            return loc.people[rb(16) % len(loc.people)]
        return self.first[rb(16)] + " " + self.last[rb(16)]

    def where(self, rb, loc):
        if loc and rb(2) == 0:
            return loc.places[rb(16) % len(loc.places)]
        return self.place[rb(16)] if rb(2) else self.country[rb(16)]

    def np_slow(self, rb, loc):
        r = rb(5)
        if r < 3:
            return self.person(rb, loc)
        if r < 6:
            return "the " + self.org[rb(16)]
        if r < 8:
            return self.where(rb, loc)
        if r < 10:
            return "the " + self.noun[rb(16)] + " of " + self.where(rb, loc)
        if r < 18:
            return "the " + self.adj[rb(16)] + " " + self.noun[rb(16)]
        if r < 22:
            return "the " + self.noun[rb(16)]
        if r < 25:
            n = self.nouns[rb(16)]
            return ("several ", "many ", "some ", "dozens of ", "two ", "three ", "their ", "its ")[rb(3)] + n
        if r < 28:
            a = self.adj[rb(16)]
            return ("an " if a[0] in "aeiou" else "a ") + a + " " + self.noun[rb(16)]
        n = self.noun[rb(16)]
        return ("an " if n[0] in "aeiou" else "a ") + n

    def pp_slow(self, rb, loc):
        r = rb(3)
        if r == 0:
            return self.when(rb)
        return self.prep[rb(16)] + " " + self.np_slow(rb, loc)

    def when(self, rb):
        t = V.TIMES[rb(16) % len(V.TIMES)]
        if "{" in t:
            t = t.replace("{day}", V.DAYS[rb(3) % 7]).replace("{month}", V.MONTHS[rb(4) % 12])
        return t

    def number(self, rb):
        r = rb(3)
        if r == 0:
            return str(2 + rb(16) % 998)
        if r == 1:
            return f"{1 + rb(16) % 99}.{rb(4) % 10} percent"
        if r == 2:
            return f"${1 + rb(16) % 950}.{rb(4) % 10} million"
        if r == 3:
            return f"{1 + rb(16) % 40},{rb(16) % 1000:03d}"
        if r == 4:
            return str(1990 + rb(6) % 35)
        return ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "a dozen", "hundreds of", "thousands of", "about 40", "nearly 300",
                "more than 1,200", "at least 15")[rb(4)]

    def clause(self, rb, loc):
        npp = self.npp
        if loc is not None and rb(3) == 0:
            a = loc.mix[rb(16) % len(loc.mix)]
        else:
            a = npp[rb(17)]
        b = npp[rb(17)]
        r = rb(4)
        if r < 6:
            s = f"{a} {self.vpast[rb(16)]} {b}"
        elif r < 8:
            s = f"{a} had {self.vpart[rb(16)]} {b}"
        elif r < 10:
            s = f"{a}{(' will ', ' could ', ' would ', ' may ', ' plans to ', ' will ', ' might ', ' is set to ')[rb(3)]}{self.vbase[rb(16)]} {b}"
        elif r < 11:
            s = f"{a} {self.adv[rb(16)]} {self.vpast[rb(16)]} {b}"
        elif r < 13:
            s = f"{a} {self.vpast[rb(16)]} {self.number(rb)} {self.nouns[rb(16)]}"
        elif r < 14:
            s = f"{a} was {self.vpart[rb(16)]} by {b}"
        elif r < 15:
            s = (f"{a} {self.vpast[rb(16)]} that {b}{(' would ', ' had ', ' could ', ' would ')[rb(2)]}"
                 f"{self.vbase[rb(16)]} {npp[rb(17)]}")
        else:
            s = f"{a}, which {self.vpast[rb(16)]} {b}, {self.vpast[rb(16)]} {npp[rb(17)]}"
        k = rb(2) + (rb(2) == 0)
        if k == 1:
            s += " " + self.ppp[rb(17)]
        elif k == 2:
            s += " " + self.ppp[rb(17)] + " " + self.ppp[rb(17)]
        elif k >= 3:
            s += " " + self.ppp[rb(17)]
            if loc is not None:
                s += " " + self.prep[rb(16)] + " " + loc.mix[rb(16) % len(loc.mix)]
            else:
                s += " " + self.ppp[rb(17)]
        return s

    def sentence(self, rb, rnd, loc, phrase_p):
        """Return (sentence, phrase_start, phrase_end) with -1 when no phrase."""
        if rnd() < phrase_p:
            return self.phrase_sentence(rb, loc)
        r = rb(4)
        if r < 7:
            s = self.clause(rb, loc)
            if rb(2) < 3:
                s += (", and ", ", but ", " while ", " as ", ", although ", " after ",
                      " because ", ", and ")[rb(3)] + self.clause(rb, loc)
        elif r < 9:
            s = self.pp(rb, loc) + ", " + self.clause(rb, loc)
            if rb(1):
                s += ", " + ("and ", "but ", "while ", "as ")[rb(2)] + self.clause(rb, loc)
        elif r < 11:
            s = self.clause(rb, loc) + ", " + self.person(rb, loc) + " said"
            if rb(1):
                s += " " + self.when(rb)
        elif r < 13:
            q = self.clause(rb, loc)
            who = self.person(rb, loc)
            if rb(1):
                role = self.role[rb(16)]
                s = (f'"{q[0].upper()}{q[1:]}," said {who}, {"an" if role[0] in "aeiou" else "a"} {role} '
                     f'at the {self.org[rb(16)]}')
            else:
                s = f'"{q[0].upper()}{q[1:]}," {who} said'
            return s + ".", -1, -1
        elif r < 14:
            s = self.person(rb, loc) + ", the " + self.role[rb(16)] + " of the " + self.org[rb(16)] + \
                ", " + self.vpast[rb(16)] + " " + self.np(rb, loc)
        else:
            s = (self.where(rb, loc) + " " + self.vpast[rb(16)] + " " + self.number(rb) + " "
                 + self.nouns[rb(16)] + " " + self.pp(rb, loc) + ", " + self.pp(rb, loc))
        return s[0].upper() + s[1:] + ".", -1, -1

    def phrase_sentence(self, rb, loc):
        r = rb(2)
        if r == 0:
            p = V.PHRASES_TAIL[rb(16) % len(V.PHRASES_TAIL)]
            c = self.clause(rb, loc)
            c = c[0].upper() + c[1:] + ", "
            return c + p + ".", len(c), len(c) + len(p)
        if r == 1:
            p = V.PHRASES_LEAD[rb(16) % len(V.PHRASES_LEAD)]
            c = self.clause(rb, loc)
            return p + ", " + c + ".", 0, len(p)
        if r == 2:
            p = V.PHRASES_SAID[rb(16) % len(V.PHRASES_SAID)]
            who = self.np(rb, loc)
            who = who[0].upper() + who[1:] + " "
            return who + p + " " + V.DAYS[rb(3) % 7] + ".", len(who), len(who) + len(p)
        p = V.PHRASES_WHOLE[rb(16) % len(V.PHRASES_WHOLE)]
        who = self.np(rb, loc)
        who = who[0].upper() + who[1:] + " "
        return who + p + ".", len(who), len(who) + len(p)

    def title(self, rb, loc):
        r = rb(2)
        if r == 0:
            t = f"{self.np(rb, loc)} {self.v3[rb(16)]} {self.adj[rb(16)]} {self.noun[rb(16)]} {self.pp(rb, loc)}"
        elif r == 1:
            t = f"{self.where(rb, loc)} {self.nouns[rb(16)]} {self.vpast[rb(16)]} {self.pp(rb, loc)}"
        elif r == 2:
            t = f"{self.person(rb, loc)} to {self.vbase[rb(16)]} {self.noun[rb(16)]} {self.pp(rb, loc)}"
        else:
            t = f"{self.adj[rb(16)]} {self.noun[rb(16)]} {self.vpast[rb(16)]} {self.np(rb, loc)}"
        return " ".join(w[:1].upper() + w[1:] if len(w) > 3 or i == 0 else w
                        for i, w in enumerate(t.split(" ")))


class TokenText:
    """Small-vocabulary writer for the non-Latin sites (Russian, Chinese, Greek)."""

    def __init__(self, words, rng, script):
        self.w = Pool(uniq(words), rng, 0.9).table
        self.script = script

    def sentence(self, rb, rnd, loc, phrase_p):
        w = self.w
        if self.script == "zh":
            n = 6 + rb(4)
            parts = [w[rb(16)] for _ in range(n)]
            if n > 9:
                parts.insert(3 + rb(2), "，")
            return "".join(parts) + "。", -1, -1
        n = 8 + rb(4) + rb(3)
        parts = [w[rb(16)] for _ in range(n)]
        if n > 12:
            parts[4 + rb(2)] += ","
        s = " ".join(parts)
        return s[0].upper() + s[1:] + ".", -1, -1

    def title(self, rb, loc):
        w = self.w
        if self.script == "zh":
            return "".join(w[rb(16)] for _ in range(4 + rb(2)))
        s = " ".join(w[rb(16)] for _ in range(5 + rb(2)))
        return s[0].upper() + s[1:]


def slugify(title, n):
    out = []
    for ch in title.lower():
        if ("a" <= ch <= "z") or ("0" <= ch <= "9"):
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    slug = "".join(out).strip("-")[:60].strip("-") or "article"
    return f"{slug}-{n}"


# ------------------------------------------------------------------ block templates
# Each template is a list of units; a unit is one sentence/line of the block.  Per
# site, a subset/variant is chosen and the separators between units are fixed.
APPEAL_HEAD = ["A Message from {D}:", "Support {D}", "A note to our readers", "Before you go",
               "{D} needs your help", "Why we need you", "An appeal from the {D} newsroom",
               "Keep {D} independent"]
APPEAL_SAL = ["Dear readers,", "Dear reader,", "Dear friends,", "Dear {reader},", "Hello {reader},"]
APPEAL_BODY = [
    ["We are facing {adjc} challenges this year.", "These are {adjc} times for independent news."],
    ["Independent journalism costs money, and {D} has never had a paywall.",
     "Good reporting is expensive, and {D} keeps every story free to read."],
    ["Our reporters work every day to bring you {adj} coverage of {region}.",
     "Our small team covers {region} with care, every single day."],
    ["Advertising no longer pays for the newsroom that produces this work.",
     "Ad revenue alone cannot keep our reporters in the field."],
    ["More than {count} readers already support us each month.",
     "{count} readers have already chipped in this year."],
    ["If you can, please support us monthly starting from just {amount}.",
     "Please consider a monthly gift of {amount} or more.",
     "A contribution of just {amount} a month keeps us going."],
    ["It takes less than a minute, and every contribution makes a real difference.",
     "It's quick to set up, and every gift counts."],
    ["Your support, however small, keeps our journalism open to everyone.",
     "No matter the size, your support protects reporting that holds power to account."],
    ["By becoming a member of {D}, you help defend {adj} reporting in {region}.",
     "Members make {D} possible and keep it free of outside influence."],
    ["You can cancel at any time.", "Cancel anytime, no questions asked."],
    ["We will send you one reminder email a month from now.",
     "We will email you a receipt and a short reminder before each payment."],
    ["Thank you for reading {D}.", "Thank you for standing with {D}."],
]
NEWS_UNITS = [
    ["Sign up for the {nl} newsletter.", "Get the {nl} newsletter.", "Subscribe to {nl}.",
     "Never miss a story: sign up for {nl}."],
    ["The {adj} stories from {region}, delivered to your inbox every {when}.",
     "Our editors pick the news that matters in {region} and send it every {when}.",
     "The {adj} briefing on {region}, every {when}, free."],
    ["Join {count} subscribers.", "Already read by {count} people."],
    ["Enter your email address", "Your email address"],
    ["Sign up", "Subscribe", "Sign me up"],
    ["By signing up, you agree to our Terms of Use and Privacy Policy.",
     "You can unsubscribe at any time."],
]
COOKIE_UNITS = [
    ["We use cookies to improve your experience on {host}.",
     "This website uses cookies and similar technologies.",
     "{D} and our partners use cookies to personalise content and ads."],
    ["By continuing to browse the site you agree to our use of cookies.",
     "Some are essential, others help us understand how the site is used.",
     "You can change your choices at any time in Privacy Settings."],
    ["Read our Privacy Policy and Cookie Policy for details.", "Learn more in our Cookie Notice."],
    ["Accept all", "OK", "Accept cookies", "Got it", "Manage preferences Accept"],
]
SHARE_BARS = ["Share this article: Facebook Twitter Email Copy link",
              "Share: Facebook | X | LinkedIn | WhatsApp | Email",
              "SHARE THIS STORY Facebook Twitter Reddit Print",
              "Share on Facebook Share on X Share via Email",
              "Share Tweet Pin Email",
              "Share this: Click to share on Facebook (Opens in new window) Click to share on X (Opens in new window) Click to print",
              "Facebook Twitter WhatsApp Telegram Copy link"]
SHARE_COUNT = ["{n} shares", "{n} Comments", "Comments ({n})", "{n} reads"]
COPYRIGHTS = [["© {year} {C}. All rights reserved."],
              ["Copyright {year} {D}. All Rights Reserved.",
               "This material may not be published, broadcast, rewritten or redistributed."],
              ["© {C} {y0}-{year}"],
              ["© {year} {C}", "Terms of Use | Privacy Policy | Contact Us"],
              ["All content © {year} {D}, a division of {C}.", "Reproduction without permission is prohibited."],
              ["Copyright © {year} {C} All rights reserved.", "Powered by {D} Digital."]]
BIO_UNITS = [
    ["{name} is a {brole} at {D}, covering {beat}.", "{name} reports on {beat} for {D}.",
     "{name} has covered {beat} for {D} since {since}."],
    ["{pro} previously worked at the {other} and lives in {city}.",
     "Before joining {D}, {pro_l} spent {n} years at the {other}.",
     "{pro} studied {subject} at the University of {city}."],
    ["Contact {first} at {email}.", "Follow {first} on social media @{handle}.",
     "Send tips to {email}."],
]
ADS = ["Advertisement", "ADVERTISEMENT", "Continue reading below", "Story continues below advertisement",
       "Article continues below", "Scroll to continue with content", "Sponsored", "AD",
       "Continue reading the main story", "Advertisement - scroll to continue"]
READMORE = ["Read more:", "READ MORE:", "Related:", "See also:", "Also read:", "Read more -",
            "RELATED:", "Don't miss:"]
PREFIXES = ["{UP} EXCLUSIVE:", "({D}) -", "({D}) —", "[{D}]", "{D} |", "From {D}:", "{AB} NEWS:",
            "{CITYUP} ({AB}) -", "{UP}:", "BREAKING | {D}:", "{CITYUP}, {date} ({AB}) -"]
RU_APPEAL = [["Дорогие читатели!", "Уважаемые читатели,"],
             ["Мы продолжаем работать, несмотря на давление.",
              "Наша редакция работает в трудных условиях."],
             ["Независимая журналистика стоит денег.", "Каждый материал требует времени и сил."],
             ["Поддержите {D} ежемесячным взносом от {amount}.",
              "Помогите нам — подпишитесь на ежемесячный взнос от {amount}."],
             ["Это займёт меньше минуты.", "Отменить подписку можно в любой момент."],
             ["Спасибо, что читаете нас.", "Спасибо, что вы с нами."]]
ZH_APPEAL = [["亲爱的读者：", "尊敬的读者："],
             ["我们坚持独立报道，需要您的支持。", "独立新闻离不开每一位读者的帮助。"],
             ["每月只需{amount_zh}元，即可帮助我们继续工作。", "每月捐助{amount_zh}元，支持我们的记者。"],
             ["点击这里订阅我们的新闻通讯。", "扫描二维码关注我们的公众号。"],
             ["感谢您的阅读。", "谢谢您的支持。"]]
EL_NEWS = [["Εγγραφείτε στο ενημερωτικό μας δελτίο.", "Μείνετε ενημερωμένοι."],
           ["Λάβετε τις σημαντικότερες ειδήσεις κάθε πρωί στο email σας.",
            "Οι σημαντικότερες ειδήσεις της ημέρας, κάθε απόγευμα."],
           ["Υποστηρίξτε την ανεξάρτητη δημοσιογραφία με {amount}.",
            "Γίνετε συνδρομητής από {amount} τον μήνα."],
           ["Εγγραφή", "Εγγραφείτε τώρα"]]
RU_COPY = [["© {year} {D}. Все права защищены."],
           ["Перепечатка материалов без согласия редакции запрещена.",
            "При использовании материалов ссылка на {D} обязательна."]]
ZH_COPY = [["版权所有 © {year} {D}"], ["未经授权，不得转载。", "本网站所有内容均受版权保护。"]]

ADJC = ["unprecedented", "difficult", "uncertain", "challenging", "serious", "hard"]
BEATS = ["city hall", "courts and crime", "education", "health care", "the state legislature",
         "business and the economy", "climate and the environment", "housing", "transportation",
         "sports", "arts and culture", "immigration", "technology", "agriculture", "public safety"]
SUBJECTS = ["history", "journalism", "economics", "political science", "English", "law", "biology"]
BROLES = ["reporter", "senior reporter", "staff writer", "correspondent", "editor", "data reporter",
          "political reporter", "investigative reporter"]


class Block:
    """One boilerplate block of a site's kit."""

    __slots__ = ("kind", "pos", "units", "seps", "p", "count", "script", "staff_units")

    def __init__(self, kind, pos, units, seps, p, script="en"):
        self.kind = kind
        self.pos = pos          # "start", "end", ("mid", n), "between", "prefix"
        self.units = units      # list of format strings
        self.seps = seps        # separators between units (len(units) - 1), fixed per site
        self.p = p
        self.count = 0          # docs this block was inserted in
        self.script = script
        self.staff_units = None


def pick_seps(rng, n, style):
    seps = []
    for _ in range(max(0, n)):
        if style == 0:
            seps.append(" ")
        elif style == 1:
            seps.append(rng.choice([" ", "\n", ""]))
        elif style == 2:
            seps.append("\n")
        else:
            seps.append(rng.choice(["", "\n-", "\n", " "]))
    return seps


class Site:
    pass


def make_site_names(n, rng):
    combos = [(a, b) for a in V.SITE_FIRST for b in V.SITE_SECOND]
    rng.shuffle(combos)
    names = []
    used = set()
    i = 0
    while len(names) < n:
        if i < len(combos):
            a, b = combos[i]
            disp = f"{a} {b}"
        else:
            a, b = combos[i % len(combos)]
            disp = f"{a} {b} {V.PLACES[(i // len(combos)) % len(V.PLACES)]}"
        i += 1
        stem = disp.lower().replace(" ", "")
        if stem in used:
            continue
        used.add(stem)
        names.append((disp, stem))
    return names


def make_kit(site, rng, eng, force_all, nonlatin_script, latin_nonlatin):
    """Choose which blocks a site has, their wording, positions and noise style."""
    D = site.display
    site.style_wrap = None if rng.random() < 0.35 else rng.randint(80, 150)
    site.pjoin = rng.choice(["\n\n", "\n", "", " ", "\n"])
    site.glue_p = rng.choice([0.0, 0.0, 0.05, 0.3])
    site.dotnl_p = rng.choice([0.0, 0.0, 0.03, 0.1])
    site.block_glue_p = rng.choice([0.0, 0.3, 1.0]) if site.pjoin else 1.0
    site.trunc_p = rng.uniform(0.10, 0.20)
    site.currency = rng.choice(["$", "$", "€", "£", "US$"])
    site.amounts = rng.sample([1, 2, 3, 5, 7, 10, 15, 20], 4)
    site.region = rng.choice([site.home, f"{site.home} and beyond", f"the {site.home} region",
                              "our city", "the state", f"{site.home} County"])
    site.readmore = rng.choice(READMORE)
    site.ads = rng.sample(ADS, rng.choice([1, 1, 2]))
    unit_style = rng.randrange(4)
    p = (lambda: 1.0) if force_all else (lambda: rng.uniform(0.5, 1.0))
    blocks = []
    script = site.script

    def fmt_fields():
        return {"D": D, "C": site.company, "host": "www." + site.domain, "region": site.region,
                "adj": rng.choice(["essential", "trusted", "in-depth", "independent", "local", "best"]),
                "adjc": rng.choice(ADJC), "nl": rng.choice(["Morning", "Daily", "Evening", "Weekend",
                                                           "Briefing", "Bulletin"]) + " " + D.split()[0],
                "when": rng.choice(["morning", "weekday", "Friday", "evening", "week"])}

    def fill_static(units):
        f = fmt_fields()
        out = []
        for u in units:
            for k, v in f.items():
                u = u.replace("{" + k + "}", v)
            out.append(u)
        return out

    def pick_units(bank, keep_p=0.75, must=()):
        out = []
        for i, alts in enumerate(bank):
            if i in must or rng.random() < keep_p:
                out.append(rng.choice(alts))
        return out

    def endpos():
        return "end" if rng.random() < 0.7 else ("mid", rng.randint(1, 3))

    if script == "en":
        want = {
            "appeal": 0.5, "newsletter": 0.45, "cookie": 0.35, "share": 0.45, "copyright": 0.55,
            "bio": 0.4, "ad": 0.45, "prefix": 0.4, "readmore": 0.4,
        }
        chosen = [k for k in KINDS if k in want and rng.random() < want[k]]
        while len(chosen) < 3:
            k = rng.choice(list(want))
            if k not in chosen:
                chosen.append(k)
        if latin_nonlatin:
            chosen.append("nonlatin")
    else:
        chosen = ["nonlatin", "nonlatin-copy"] + [k for k in ("share", "copyright", "ad") if rng.random() < 0.4]

    for kind in chosen:
        if kind == "appeal":
            units = [rng.choice(APPEAL_HEAD), rng.choice(APPEAL_SAL)] + pick_units(APPEAL_BODY, 0.6, must=(5,))
            units = fill_static(units)
            seps = pick_seps(rng, len(units) - 1, unit_style)
            blocks.append(Block(kind, endpos(), units, seps, p()))
        elif kind == "newsletter":
            units = fill_static(pick_units(NEWS_UNITS, 0.6, must=(0,)))
            blocks.append(Block(kind, endpos(), units, pick_seps(rng, len(units) - 1, unit_style), p()))
        elif kind == "cookie":
            units = fill_static(pick_units(COOKIE_UNITS, 0.7, must=(0,)))
            pos = "start" if rng.random() < 0.5 else "end"
            blocks.append(Block(kind, pos, units, pick_seps(rng, len(units) - 1, unit_style), p()))
        elif kind == "share":
            bar = rng.choice(SHARE_BARS)
            units = [bar]
            if rng.random() < 0.4:
                units.append(rng.choice(SHARE_COUNT))
            pos = "end" if rng.random() < 0.6 else ("mid", rng.choice([0, 1]))
            blocks.append(Block(kind, pos, units, pick_seps(rng, len(units) - 1, rng.randrange(3)), p()))
        elif kind == "copyright":
            units = [u.replace("{y0}", str(rng.choice([1987, 1998, 2001, 2005, 2010])))
                     for u in fill_static(rng.choice(COPYRIGHTS))]
            blocks.append(Block(kind, "last", units, pick_seps(rng, len(units) - 1, rng.randrange(3)), p()))
        elif kind == "bio":
            b = Block(kind, "end" if rng.random() < 0.8 else ("mid", rng.randint(2, 4)), [], [], p())
            b.staff_units = []
            tmpl = [rng.choice(alts) for alts in BIO_UNITS if rng.random() < 0.85] or [BIO_UNITS[0][0]]
            seps = pick_seps(rng, len(tmpl) - 1, unit_style)
            for (first, last) in site.staff:
                f = {"name": f"{first} {last}", "first": first, "D": D,
                     "brole": rng.choice(BROLES), "beat": rng.choice(BEATS),
                     "since": str(rng.randint(2005, 2022)),
                     "pro": rng.choice(["She", "He", "They"]), "other": rng.choice(V.PLACES) + " " +
                     rng.choice(V.SITE_SECOND), "city": rng.choice(V.PLACES),
                     "n": str(rng.randint(2, 15)), "subject": rng.choice(SUBJECTS),
                     "email": f"{first[0].lower()}{last.lower()}@{site.domain}",
                     "handle": f"{first.lower()}{last.lower()}"}
                f["pro_l"] = f["pro"].lower() if f["pro"] != "They" else "they"
                units = []
                for u in tmpl:
                    for k, v in f.items():
                        u = u.replace("{" + k + "}", v)
                    units.append(u)
                b.staff_units.append(units)
            b.seps = seps
            blocks.append(b)
        elif kind == "ad":
            blocks.append(Block(kind, "between", [], [], p()))
        elif kind == "readmore":
            blocks.append(Block(kind, "between", [], [], p()))
        elif kind == "prefix":
            pf = rng.choice(PREFIXES)
            pf = (pf.replace("{UP}", D.replace(" ", "").upper() if rng.random() < 0.5 else D.upper())
                  .replace("{D}", D).replace("{AB}", site.abbr))
            b = Block(kind, "prefix", [pf], [], p())
            b.seps = [rng.choice(["\n", " ", " ", ""])]  # glue to first sentence
            blocks.append(b)
        elif kind.startswith("nonlatin"):
            scr = nonlatin_script or rng.choice(["ru", "zh", "el"])
            copy = kind == "nonlatin-copy" or rng.random() < 0.25
            kind = "nonlatin"
            if scr == "ru":
                bank = RU_COPY if copy else RU_APPEAL
            elif scr == "zh":
                bank = ZH_COPY if copy else ZH_APPEAL
            else:
                bank = EL_NEWS
            units = [u.replace("{D}", D) for u in pick_units(bank, 0.8, must=tuple(range(min(3, len(bank)))))]
            if scr == "zh":
                seps = [rng.choice(["", "", "\n"]) for _ in range(len(units) - 1)]
            else:
                seps = pick_seps(rng, len(units) - 1, unit_style)
            pos = "last" if bank in (RU_COPY, ZH_COPY) else endpos()
            blocks.append(Block(kind, pos, units, seps, p(), script=scr))
    order = [b for b in blocks if b.pos == "end"]
    rng.shuffle(order)
    site.blocks = blocks
    site.start_blocks = [b for b in blocks if b.pos == "start"]
    site.prefix = [b for b in blocks if b.pos == "prefix"]
    site.mid_blocks = [b for b in blocks if isinstance(b.pos, tuple)]
    site.end_blocks = order + [b for b in blocks if b.pos == "last"]
    site.ad_block = next((b for b in blocks if b.kind == "ad"), None)
    site.rm_block = next((b for b in blocks if b.kind == "readmore"), None)


# ------------------------------------------------------------------ noise
def truncate_units(units, rng):
    """Damage one copy: drop a middle unit, drop a few words, leave a remnant, or cut the end."""
    mode = rng.random()
    units = list(units)
    if len(units) >= 3 and mode < 0.3:
        del units[rng.randrange(1, len(units) - 1)]
        return units
    if mode < 0.6:
        cands = [i for i, u in enumerate(units) if u.count(" ") >= 5]
        if cands:
            i = rng.choice(cands)
            w = units[i].split(" ")
            k = rng.randint(2, min(6, len(w) - 2))
            j = rng.randint(1, len(w) - k - 1)
            units[i] = " ".join(w[:j] + w[j + k:])
            return units
    if mode < 0.75 and len(units) >= 3:
        i = rng.randrange(1, len(units) - 1)
        w = units[i].split(" ")
        if len(w) >= 3:
            units[i] = " ".join(w[-rng.randint(1, 2):])  # the "set." remnant
            return units
    # cut the block off near its end
    total = sum(len(u) for u in units)
    keep = int(total * rng.uniform(0.65, 0.95))
    out = []
    acc = 0
    for u in units:
        if acc + len(u) <= keep:
            out.append(u)
            acc += len(u)
            continue
        cut = u.rfind(" ", 0, max(1, keep - acc))
        if cut > 0:
            out.append(u[:cut].rstrip(",;:"))
        break
    return out or units[:1]


def join_units(units, seps):
    parts = [units[0]]
    for i in range(1, len(units)):
        sep = seps[i - 1] if i - 1 < len(seps) else " "
        if sep == "\n-":
            if parts[-1].endswith("."):
                parts[-1] = parts[-1][:-1]
            sep = "\n"
        elif sep == "" and not parts[-1][-1:] in ".:,!?。：，":
            sep = " "
        parts.append(sep)
        parts.append(units[i])
    return "".join(parts).strip()


def wrap(text, w):
    """Hard-wrap at width w: replace spaces by newlines (offsets unchanged); where a
    window holds no space (CJK), insert a newline and return its position."""
    out = []
    ins = []
    pos = 0
    n = len(text)
    find = text.find
    rfind = text.rfind
    while n - pos > w:
        nl = find("\n", pos, pos + w + 1)
        if nl >= 0:
            out.append(text[pos:nl + 1])
            pos = nl + 1
            continue
        sp = rfind(" ", pos, pos + w + 1)
        if sp > pos:
            out.append(text[pos:sp])
            out.append("\n")
            pos = sp + 1
        else:
            out.append(text[pos:pos + w])
            out.append("\n")
            ins.append(pos + w)
            pos += w
    out.append(text[pos:])
    return "".join(out), ins


# ------------------------------------------------------------------ site sizes
def site_sizes(total, n, lo, hi, rng):
    if total < lo:
        return [total]
    n = min(n, total // lo)
    # heavy tail needs headroom: grow the number of sites if max would be too tight
    n = max(n, math.ceil(total / (0.4 * hi)))
    n = min(n, total // lo)
    w = [rng.paretovariate(1.0) - 0.97 for _ in range(n)]  # many small sites, a few big ones
    extra = total - n * lo
    cap = hi - lo
    fixed = [None] * n
    while True:
        free = [i for i in range(n) if fixed[i] is None]
        rem = extra - sum(f for f in fixed if f is not None)
        ws = sum(w[i] for i in free)
        over = [i for i in free if rem * w[i] / ws >= cap]
        if not over:
            break
        for i in over:
            fixed[i] = cap
        if all(f is not None for f in fixed):
            break
    rem = extra - sum(f for f in fixed if f is not None)
    free = [i for i in range(n) if fixed[i] is None]
    ws = sum(w[i] for i in free) or 1.0
    sizes = [0] * n
    fracs = []
    for i in range(n):
        if fixed[i] is not None:
            sizes[i] = lo + fixed[i]
        else:
            x = rem * w[i] / ws
            sizes[i] = lo + int(x)
            fracs.append((x - int(x), i))
    short = total - sum(sizes)
    fracs.sort(reverse=True)
    k = 0
    while short > 0 and fracs:
        i = fracs[k % len(fracs)][1]
        if sizes[i] < hi:
            sizes[i] += 1
            short -= 1
        k += 1
    return sizes


# ------------------------------------------------------------------ generator
class Local:
    __slots__ = ("people", "places", "mix")


class Generator:
    def __init__(self, args):
        self.rng = rng = random.Random(args.seed)
        self.eng = English(random.Random(args.seed * 1000003 + 17))
        vr = random.Random(args.seed * 7 + 3)
        self.ru = TokenText(V.RU_WORDS, vr, "ru")
        self.zh = TokenText(V.ZH_WORDS, vr, "zh")
        self.el = TokenText(V.EL_WORDS, vr, "el")
        sizes = site_sizes(args.docs, args.sites, args.min_site_docs, args.max_site_docs, rng)
        n = len(sizes)
        names = make_site_names(n, rng)
        # non-Latin sites: 2-3 (more in very large corpora)
        if n < 6:
            nl_count = 0
        elif n < 24:
            nl_count = 2
        elif n <= 60:
            nl_count = 3
        else:
            nl_count = round(n * 0.05)
        order = list(range(n))
        rng.shuffle(order)
        scripts = {}
        for j, i in enumerate(order[:nl_count]):
            scripts[i] = ("ru", "zh", "el")[j % 3]
        latin_nl = set(order[nl_count:nl_count + max(0, round((n - nl_count) * 0.15))])
        self.sites = []
        for i in range(n):
            s = Site()
            s.idx = i
            s.display, s.stem = names[i]
            s.domain = s.stem + ".example"
            s.abbr = "".join(w[0] for w in s.display.split())[:3].upper()
            s.company = s.display + " " + rng.choice(["Media LLC", "Media Group", "Publishing Co.",
                                                       "News Company", "Holdings Ltd", "Press Inc."])
            s.size = sizes[i]
            s.remaining = sizes[i]
            s.script = scripts.get(i, "en")
            s.home = rng.choice(V.PLACES)
            s.writer = {"en": self.eng, "ru": self.ru, "zh": self.zh, "el": self.el}[s.script]
            loc = Local()
            loc.people = [f"{rng.choice(V.FIRST_NAMES)} {rng.choice(V.SURNAMES)}" for _ in range(12)]
            loc.places = [rng.choice(V.PLACES) for _ in range(6)] + [s.home] * 3
            loc.mix = loc.people + loc.places
            s.loc = loc if s.script == "en" else None
            s.staff = [(rng.choice(V.FIRST_NAMES), rng.choice(V.SURNAMES))
                       for _ in range(rng.randint(2, 5))]
            s.staff_w = [1.0 / (k + 1) for k in range(len(s.staff))]
            make_kit(s, rng, self.eng, s.size < 10, None if s.script == "en" else s.script,
                     i in latin_nl)
            s.titles = []
            s.followups = []     # [text, copies_left]
            s.pending_wire = []  # wire stories to publish
            s.docno = 0
            s.phrase_p = rng.uniform(0.03, 0.07) if s.script == "en" else 0.0
            self.sites.append(s)
        self.latin_sites = [s for s in self.sites if s.script == "en"]
        self.schedule_total = args.docs
        self.args = args
        self.kind_counts = {}
        # lognormal article length: median = --median-words (clipped to 150..1200)
        self.mu = math.log(max(150, min(1200, args.median_words)))

    def schedule(self):
        sched = []
        for s in self.sites:
            sched.extend([s.idx] * s.size)
        self.rng.shuffle(sched)
        return sched

    # -- article body -------------------------------------------------------------
    def paragraphs(self, site, n_words, writer, loc, phrase_p):
        rng = self.rng
        rb = rng.getrandbits
        rnd = rng.random
        pars = []
        words = 0
        while words < n_words:
            k = 1 + rb(2) + (rb(2) == 0)
            sents = []
            spans = []
            pos = 0
            for _ in range(k):
                s, ps, pe = writer.sentence(rb, rnd, loc, phrase_p)
                if sents:
                    r = rnd()
                    if r < site.glue_p:
                        sep = ""
                    elif r < site.glue_p + site.dotnl_p and sents[-1].endswith("."):
                        sents[-1] = sents[-1][:-1]
                        pos -= 1
                        sep = "\n"
                    else:
                        sep = "" if site.script == "zh" else " "
                    sents.append(sep)
                    pos += len(sep)
                if ps >= 0:
                    spans.append((pos + ps, pos + pe, "keep:phrase"))
                sents.append(s)
                pos += len(s)
                words += s.count(" ") + 1 if site.script != "zh" else len(s) // 2
            pars.append(("".join(sents), spans))
        return pars

    def render_block(self, b, ctx):
        rng = self.rng
        if b.kind == "bio":
            units = b.staff_units[ctx["author"]]
        else:
            units = b.units
        out = []
        for u in units:
            if "{" in u:
                u = (u.replace("{amount}", ctx["amount"]).replace("{reader}", ctx["reader"])
                     .replace("{count}", ctx["count"]).replace("{year}", ctx["year"])
                     .replace("{n}", ctx["n"])
                     .replace("{amount_zh}", ctx["amount_zh"]))
            out.append(u)
        if len(out) > 1 or out[0].count(" ") > 6:
            if rng.random() < ctx["trunc_p"]:
                out = truncate_units(out, rng)
        return join_units(out, b.seps)

    # -- one document ---------------------------------------------------------------
    def document(self, site, gid):
        rng = self.rng
        rb = rng.getrandbits
        site.docno += 1
        site.remaining -= 1
        left = site.remaining + 1  # docs left including this one
        year = 2019 + rb(3) % 7
        month = 1 + rb(4) % 12
        author = rng.choices(range(len(site.staff)), weights=site.staff_w)[0]
        amount = site.currency + str(site.amounts[rb(2)])
        ctx = {"amount": amount, "reader": rng.choice(V.FIRST_NAMES),
               "count": f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}", "year": str(year),
               "n": str(rng.randint(2, 4999)),
               "amount_zh": str(rng.choice([5, 10, 20, 30, 50])),
               "trunc_p": site.trunc_p, "author": author}
        writer = site.writer

        # body: wire story, or own article (+ follow-up paragraphs)
        wire = None
        if site.pending_wire:
            wire = site.pending_wire.pop(0)
        elif site.script == "en" and rng.random() < 0.012 and len(self.latin_sites) >= 4:
            wire = self.new_wire(site)
        if wire is not None:
            title = wire[0]
            pars = [(p, [(0, len(p), "keep:wire")]) for p in wire[1]]
        else:
            title = writer.title(rb, site.loc)
            n_words = int(min(1200, max(150, rng.lognormvariate(self.mu, 0.55))))
            pars = self.paragraphs(site, n_words, writer, site.loc, site.phrase_p)
            if len(pars) > 15:
                pars = pars[:15]
            # scraper cut off the start of the first sentence
            if site.prefix and rng.random() < 0.25 and site.script != "zh":
                p0, sp0 = pars[0]
                cut = 0
                for _ in range(1 + rb(1)):
                    c = p0.find(" ", cut) + 1
                    if c > 0:
                        cut = c
                if cut and all(s >= cut for s, _, _ in sp0) and cut < len(p0) - 20:
                    pars[0] = (p0[cut:], [(s - cut, e - cut, k) for s, e, k in sp0])
        # follow-ups: a paragraph reused verbatim in 2-3 articles of this site
        for fu in list(site.followups):
            need = fu[1]
            if need <= 0:
                continue
            if rng.random() < (0.08 if self.args.followup_share else 0.35) or left <= need:
                p = fu[0]
                i = rng.randint(1, len(pars)) if len(pars) > 1 else len(pars)
                pars.insert(i, (p, [(0, len(p), "keep:followup")]))
                fu[1] -= 1
        site.followups = [f for f in site.followups if f[1] > 0]
        own = [i for i in range(1, len(pars)) if not any(k == "keep:followup" for _, _, k in pars[i][1])]
        if (wire is None and site.size >= 12 and left >= 8 and len(site.followups) < 3
                and rng.random() < 0.04 and own):
            i = rng.choice(own)
            p, sp = pars[i]
            pars[i] = (p, [(0, len(p), "keep:followup")])
            if self.args.followup_share:
                copies = max(2, round(self.args.followup_share * site.size))
            else:
                copies = rng.randint(1, 2)
            site.followups.append([p, copies])

        # blocks chosen for this document
        def use(b):
            if rng.random() < b.p or (4 - b.count) >= left:
                b.count += 1
                return True
            return False

        npar = len(pars)
        between = [[] for _ in range(npar + 1)]  # blocks placed before paragraph i
        for b in site.mid_blocks:
            if use(b):
                i = min(b.pos[1] + 1, npar)
                between[i].append((b.kind, self.render_block(b, ctx)))
        if site.ad_block is not None and npar >= 2 and use(site.ad_block):
            for _ in range(1 + (npar >= 7) + (npar >= 11)):
                i = rng.randint(1, npar - 1)
                between[i].append(("ad", site.ads[rb(4) % len(site.ads)]))
        if site.rm_block is not None and npar >= 2 and use(site.rm_block):
            for _ in range(1 + (rb(2) == 0)):
                i = rng.randint(1, npar - 1)
                t = site.titles[rb(16) % len(site.titles)] if site.titles else writer.title(rb, site.loc)
                between[i].append(("readmore", site.readmore + " " + t))
        starts = [(b.kind, self.render_block(b, ctx)) for b in site.start_blocks if use(b)]
        prefix = None
        if site.prefix and use(site.prefix[0]):
            pb = site.prefix[0]
            pf = pb.units[0]
            if "{" in pf:
                pf = pf.replace("{CITYUP}", rng.choice(V.PLACES).upper()).replace(
                    "{date}", f"{V.MONTHS[month - 1][:3]} {rng.randint(1, 28)}")
            prefix = (pf, pb.seps[0])
        ends = [(b.kind, self.render_block(b, ctx)) for b in site.end_blocks if use(b)]

        # assemble
        parts = []
        spans = []
        pos = 0
        pj = site.pjoin
        line = pj if "\n" in pj else "\n"

        def add(text, kind=None):
            nonlocal pos
            if kind is not None:
                spans.append((pos, pos + len(text), kind))
            parts.append(text)
            pos += len(text)

        for kind, t in starts:
            add(t, kind)
            add(line)
        if prefix is not None:
            add(prefix[0], "prefix")
            add(prefix[1])
        for i, (p, psp) in enumerate(pars):
            if i > 0:
                prev_ad = False
                for kind, t in between[i]:
                    add(line if (kind == "ad" or prev_ad) else pj)
                    add(t, kind)
                    prev_ad = kind == "ad"
                add(line if prev_ad else pj)
            for s, e, k in psp:
                spans.append((pos + s, pos + e, k))
            add(p)
        for j, (kind, t) in enumerate(between[npar] + ends):
            if j == 0:
                r = rng.random()
                sep = ("" if rb(1) else " ") if r < site.block_glue_p else pj
                if sep == "" and not parts[-1][-1:] in ".!?\"。":
                    sep = " "
            else:
                sep = pj if rb(2) else line
            add(sep)
            add(t, kind)
        text = "".join(parts)
        if site.style_wrap:
            text, ins = wrap(text, site.style_wrap)
            if ins:
                spans = [(s + bisect.bisect_right(ins, s), e + bisect.bisect_left(ins, e), k)
                         for s, e, k in spans]
        if not text.isascii():
            pts = sorted({p for s, e, _ in spans for p in (s, e)})
            m = {}
            prev = 0
            acc = 0
            for p in pts:
                acc += len(text[prev:p].encode("utf-8"))
                m[p] = acc
                prev = p
            spans = [(m[s], m[e], k) for s, e, k in spans]
        if wire is None:
            site.titles.append(title)
            if len(site.titles) > 30:
                site.titles.pop(0)
        slug = slugify(title, site.docno) if site.script == "en" else f"article-{site.docno}"
        url = f"https://www.{site.domain}/{year}/{month:02d}/{slug}"
        return title, url, text, spans

    def new_wire(self, site):
        rng = self.rng
        rb = rng.getrandbits
        title = self.eng.title(rb, None)
        n_words = int(min(900, max(200, rng.lognormvariate(self.mu - 0.1, 0.4))))
        pars = [p for p, _ in self.paragraphs(_PlainStyle, n_words, self.eng, None, 0.04)][:10]
        story = (title, pars)
        want = rng.randint(3, 6) - 1
        cands = [s for s in self.latin_sites
                 if s is not site and s.remaining > len(s.pending_wire) + 1]
        for s in rng.sample(cands, min(want, len(cands))):
            s.pending_wire.append(story)
        return story

    def run(self, emit):
        sites = self.sites
        gid = 0
        for si in self.schedule():
            s = sites[si]
            title, url, text, spans = self.document(s, gid)
            did = f"s{si:02d}-{gid:06d}"
            gid += 1
            for _, _, k in spans:
                self.kind_counts[k] = self.kind_counts.get(k, 0) + 1
            emit(did, s, title, url, text, spans)
        return gid


class _PlainStyle:
    glue_p = 0.0
    dotnl_p = 0.0
    script = "en"


# ------------------------------------------------------------------ hard cases (--hard)
# Failure classes seen on real pages, one site (or a few) per class, so a scorer can
# report each kind alone.  Nothing here runs without --hard: the default corpus and its
# random stream are unchanged.
HARD_KINDS = ("menu", "shortline", "vartail", "smallsite", "label")
HARD_KEEP_KINDS = ("keep:numbered", "keep:urls", "keep:camel", "keep:abbrev", "keep:value",
                   "keep:byline", "keep:background", "keep:neardup", "keep:exactdup")

# (ingredient, its usual units, weight): a recipe site names the common ones in most
# recipes with the same unit, so "1 teaspoon salt" recurs on many of its pages
INGREDIENTS = [("flour", "cups", 8), ("sugar", "cup", 6), ("butter", "tablespoons", 6),
               ("salt", "teaspoon", 10), ("eggs", "", 6), ("olive oil", "tablespoons", 7),
               ("black pepper", "teaspoon", 6), ("milk", "cup", 4), ("garlic cloves", "", 5),
               ("onions", "", 4), ("water", "cups", 4), ("baking powder", "teaspoons", 3),
               ("lemon juice", "tablespoons", 2), ("brown sugar", "cup", 2), ("rice", "cups", 2),
               ("tomatoes", "", 2), ("carrots", "", 2), ("potatoes", "", 2), ("honey", "tablespoons", 2),
               ("cream", "ml", 1), ("oats", "grams", 1), ("chicken stock", "ml", 2),
               ("soy sauce", "tablespoons", 1), ("ginger", "teaspoon", 1), ("cinnamon", "teaspoon", 1),
               ("vanilla extract", "teaspoon", 2), ("yogurt", "grams", 1), ("lentils", "grams", 1),
               ("spinach", "grams", 1), ("cheddar", "grams", 1), ("parsley", "pinch of", 1),
               ("walnuts", "grams", 1), ("raisins", "grams", 1), ("mustard", "teaspoon", 1)]
QTYS = ["1", "2", "3", "4", "1/2", "1/4", "3/4", "100", "200", "250", "500", "1 1/2"]
COOK_VERBS = ["Mix", "Stir", "Add", "Whisk", "Pour", "Chop", "Fry", "Season", "Combine", "Fold",
              "Heat", "Simmer", "Bake", "Drain", "Sprinkle", "Cover"]
BRANDS = ["iPod", "iPhone", "iTunes", "iPad", "YouTube", "BitTorrent", "McDonald's", "HuffPost",
          "PayPal", "WordPress", "LinkedIn", "eBay", "PlayStation", "JavaScript", "FedEx",
          "MasterCard", "SoundCloud", "DreamWorks", "BlackBerry", "WikiLeaks", "SpaceX", "TikTok",
          "GitHub", "DoorDash", "OpenStreetMap", "MySpace"]
TLDS = ["co.uk", "com", "org", "net", "com.au", "co.nz", "org.uk"]
TICKERS = [("PRICE OF GOLD:", "${a}.{c}", 1150, 1950), ("PRICE OF SILVER:", "${a}.{c}", 14, 31),
           ("BRENT CRUDE:", "${a}.{c} a barrel", 45, 115), ("EURO/DOLLAR:", "1.{m}", 0, 0),
           ("DOW JONES:", "{k},{t}.{c}", 18, 39), ("30-YEAR MORTGAGE RATE:", "{p}.{c}%", 3, 8),
           ("BITCOIN:", "${k},{t}", 4, 68), ("COPPER:", "${p}.{c} a pound", 2, 5)]
CATEGORIES = ["Business", "Politics", "Local", "Sports", "Health", "Education", "Culture",
              "Weather", "Crime", "Science"]
MENU_TOP = ["Home", "News", "World", "Politics", "Business", "Markets", "Tech", "Science",
            "Health", "Sports", "Entertainment", "Travel", "Opinion", "Video", "Photos",
            "Weather", "Local News", "Obituaries", "Classifieds", "Real Estate", "Jobs", "Autos",
            "Newsletters", "Podcasts", "Live TV", "Latest Stories", "Most Popular", "Education",
            "Food and Drink", "Style", "Arts", "Books", "Crime and Courts", "Elections"]
MENU_FOOT = ["About Us", "Contact Us", "Privacy Policy", "Terms of Service", "Advertise With Us",
             "Careers", "Site Map", "Help Center", "Corrections", "RSS Feeds", "Subscribe"]
DOW3 = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
SMALL_LINES = ["Follow {D} on Facebook and Instagram for daily updates from {home}.",
               "Got a story tip? Email the newsroom at tips@{domain}.",
               "{D} is a member of the {home} Press Association.",
               "This story is part of our community series on life in {home}.",
               "Photos by {D} staff unless otherwise noted.",
               "Want more local news? Subscribe to the {D} print edition today.",
               "Corrections and clarifications can be sent to editor@{domain}.",
               "Listen to this story on the {D} podcast, out every Friday."]


class HardSite:
    glue_p = 0.0
    dotnl_p = 0.0
    script = "en"


class HardGenerator:
    """Writes the hard-case corpus: a fixed list of sites, each showing one failure class."""

    # (scenario, docs per site, sites)
    LAYOUT = [("numbered", 40, 1), ("urls", 30, 1), ("camel", 30, 1), ("abbrev", 30, 1),
              ("value", 30, 1), ("byline", 30, 1), ("background", 100, 1), ("neardup", 30, 1),
              ("exactdup", 25, 1), ("menu", 30, 1), ("vartail", 30, 2), ("small", None, 8)]

    def __init__(self, args):
        self.rng = rng = random.Random(args.seed * 7919 + 13)
        self.eng = English(random.Random(args.seed * 1000003 + 17))
        self.kind_counts = {}
        self.mu = math.log(max(100, min(600, args.median_words)))
        plan = []
        for scen, n, k in self.LAYOUT:
            for _ in range(k):
                plan.append((scen, n if n is not None else rng.randint(5, 10)))
        names = make_site_names(len(plan), rng)
        self.sites = []
        for i, (scen, n) in enumerate(plan):
            s = HardSite()
            s.idx = i
            s.scenario = scen
            s.display, s.stem = names[i]
            s.domain = s.stem + ".example"
            s.company = s.display + " " + rng.choice(["Media LLC", "Media Group", "Press Inc."])
            s.size = n
            s.home = rng.choice(V.PLACES)
            loc = Local()
            loc.people = [f"{rng.choice(V.FIRST_NAMES)} {rng.choice(V.SURNAMES)}" for _ in range(12)]
            loc.places = [rng.choice(V.PLACES) for _ in range(6)] + [s.home] * 3
            loc.mix = loc.people + loc.places
            s.loc = loc
            s.staff = [f"{rng.choice(V.FIRST_NAMES)} {rng.choice(V.SURNAMES)}" for _ in range(6)]
            # prose sites may be hard-wrapped; line-structured ones never are
            prose = scen in ("camel", "abbrev", "background", "neardup", "exactdup")
            s.wrap = rng.choice([None, rng.randint(90, 140)]) if prose else None
            s.pjoin = "\n" if scen == "menu" else rng.choice(["\n\n", "\n"])
            # a light standard kit on the keep sites, so there is something to remove
            s.share = rng.choice(SHARE_BARS)
            s.copyright = rng.choice(["© {year} {C}. All rights reserved.",
                                      "Copyright {year} {C}. All Rights Reserved."])
            s.titles = []
            self.sites.append(s)

    # -- text pieces ------------------------------------------------------------------
    def sentence(self, s):
        return self.eng.sentence(self.rng.getrandbits, self.rng.random, s.loc, 0.0)[0]

    def paragraph(self, s, k=None):
        k = k or 1 + self.rng.randrange(4)
        return " ".join(self.sentence(s) for _ in range(k))

    def article(self, s, lo=3):
        n_words = int(min(500, max(100, self.rng.lognormvariate(self.mu, 0.4))))
        pars, words = [], 0
        while words < n_words or len(pars) < lo:
            p = self.paragraph(s)
            pars.append(p)
            words += p.count(" ") + 1
        return pars[:12]

    def cap(self, t):
        return t[:1].upper() + t[1:]

    def special_sentence(self, s, kind):
        """A sentence carrying a camelCase brand or an abbreviation/domain."""
        rng, e = self.rng, self.eng
        rb = rng.getrandbits
        np_ = e.np(rb, s.loc)
        np2 = e.np(rb, s.loc)
        pp = e.pp(rb, s.loc)
        if kind == "camel":
            # the brand takes the place of a noun phrase in the ordinary grammar, so the
            # words around it vary as much as in any other sentence
            b = rng.choice(BRANDS)
            f = rb(3)
            if f == 0:
                t = f"{b} {e.vpast[rb(16)]} {np_} {pp}"
            elif f == 1:
                t = f"{np_} {e.vpast[rb(16)]} the {b} {e.noun[rb(16)]} {pp}"
            elif f == 2:
                t = f"{e.person(rb, s.loc)} said {b} had {e.vpart[rb(16)]} {np_}"
            elif f == 3:
                t = f"{np_} {e.vpast[rb(16)]} {e.number(rb)} {b} {e.nouns[rb(16)]} {pp}"
            elif f == 4:
                t = f"{pp}, {np_} {e.vpast[rb(16)]} {b} and {np2}"
            else:
                t = f"{e.clause(rb, s.loc)}, and {b} {e.vpast[rb(16)]} {np2}"
        else:
            last = rng.choice(V.SURNAMES)
            dom = f"{rng.choice(V.SITE_FIRST).lower()}{rng.choice(V.SITE_SECOND).lower()}.{rng.choice(TLDS)}"
            title = rng.choice(["Mr.", "Mrs.", "Ms.", "Dr.", "Gov.", "Sen.", "Rep."])
            f = rb(3)
            if f == 0:
                t = f"{title} {last} {e.vpast[rb(16)]} {np_} {pp}"
            elif f == 1:
                t = f"{np_} {e.vpast[rb(16)]} {title} {last} {pp}"
            elif f == 2:
                ab = rng.choice(["U.S.", "U.K.", "E.U.", "U.N."])
                t = f"{ab} {e.nouns[rb(16)]} {e.vpast[rb(16)]} {np_} {pp}"
            elif f == 3:
                t = f"{np_} {e.vpast[rb(16)]} {np2} in the {rng.choice(['U.S.', 'U.K.'])} {e.when(rb)}"
            elif f == 4:
                t = f"{e.clause(rb, s.loc)}, {rng.choice(['according to', 'reported', 'wrote'])} {dom}"
            elif f == 5:
                t = f"{e.person(rb, s.loc)} told {dom} that {e.clause(rb, s.loc)}"
            elif f == 6:
                t = f"{np_} {e.vpast[rb(16)]} {np2} near St. {rng.choice(V.PLACES)} {pp}"
            else:
                t = f"{pp}, {title} {last} {e.vpast[rb(16)]} {np2} on {dom}"
        return self.cap(t) + "."

    def numbered(self, s):
        """One or two numbered/quantity lists (recipe, race results, points)."""
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            ings = []
            while len(ings) < rng.randint(5, 9):
                ing = rng.choices(INGREDIENTS, weights=[w for _, _, w in INGREDIENTS])[0]
                if ing not in ings:
                    ings.append(ing)
            lines = [" ".join(x for x in (rng.choice(QTYS), u, name) if x) for name, u, _ in ings]
            ings = [name for name, _, _ in ings]
            style = rng.choice([". ", ") "])
            steps = []
            for i in range(rng.randint(3, 6)):
                a, b = rng.sample(ings, 2)
                tail = rng.choice(["", f" for {rng.randint(2, 40)} minutes", " until golden",
                                   f" over a {rng.choice(['low', 'medium', 'high'])} heat"])
                steps.append(f"{i + 1}{style}{rng.choice(COOK_VERBS)} the {a} with the {b}{tail}.")
            return ["\n".join(lines), "\n".join(steps)]
        if r < 0.7:
            t = rng.randint(2 * 3600 + 5 * 60, 2 * 3600 + 40 * 60)
            lines = []
            for i in range(rng.randint(5, 10)):
                t += rng.randint(3, 200)
                lines.append(f"{i + 1}. {rng.choice(V.FIRST_NAMES)} {rng.choice(V.SURNAMES)} "
                             f"{t // 3600}:{t // 60 % 60:02d}:{t % 60:02d}")
            return ["\n".join(lines)]
        style = rng.choice([". ", ") "])
        return ["\n".join(f"{i + 1}{style}{self.cap(self.eng.clause(rng.getrandbits, s.loc))}."
                          for i in range(rng.randint(3, 6)))]

    def url_lines(self, s):
        rng = self.rng
        out = []
        for _ in range(rng.randint(3, 6)):
            host = rng.choice(s.hosts)
            slug = slugify(self.eng.title(rng.getrandbits, s.loc), rng.randint(10, 99999))
            f = rng.randrange(3)
            if f == 0:
                out.append(f"http://www.{host}/{rng.randint(2009, 2024)}/{rng.randint(1, 12):02d}/{slug}")
            elif f == 1:
                out.append(f"https://{host}/news/{slug}")
            else:
                kind = rng.choice(["story", "article", "p"])
                out.append(f"http://{host}/{kind}/{rng.randint(1000, 999999)}.html")
        return "\n".join(out)

    def ticker_value(self, fmt, lo, hi):
        rng = self.rng
        return (fmt.replace("{a}", str(rng.randint(lo, hi))).replace("{c}", f"{rng.randint(0, 99):02d}")
                .replace("{m}", f"{rng.randint(500, 1999):04d}").replace("{k}", str(rng.randint(lo, hi)))
                .replace("{t}", f"{rng.randint(0, 999):03d}").replace("{p}", str(rng.randint(lo, hi))))

    def date(self):
        rng = self.rng
        return f"{rng.choice(V.MONTHS)} {rng.randint(1, 28)}, {rng.randint(2009, 2024)}"

    # -- documents ------------------------------------------------------------------
    def site_docs(self, s):
        """All documents of a site: list of (title, pieces), pieces = [(text, kind|None)]."""
        rng = self.rng
        sc = s.scenario
        docs = []
        if sc == "urls":
            s.hosts = []
            for _ in range(8):
                head = rng.choice(V.SITE_FIRST).lower()
                s.hosts.append(head + rng.choice(["records", "data", "files", "daily", "wire"]) + ".example")
        if sc == "value":
            s.tickers = rng.sample(TICKERS, rng.randint(3, 5))
        if sc == "menu":
            s.menu = rng.sample(MENU_TOP, rng.randint(12, 20))
            s.foot = rng.sample(MENU_FOOT, rng.randint(5, 9))
        if sc == "vartail":
            s.partner = f"www.{rng.choice(V.SITE_FIRST).lower()}{rng.choice(V.SITE_SECOND).lower()}.example"
            s.related = rng.choice(["Related:", "RELATED:"])
        if sc == "background":
            bg = [self.paragraph(s, rng.randint(2, 3)) for _ in range(4)]
            # each background paragraph in 5 of the 100 stories (5%)
            s.bg_in = {}
            for j, p in enumerate(bg):
                for d in rng.sample(range(s.size), max(1, round(s.size * 0.05))):
                    s.bg_in.setdefault(d, []).append(p)
        if sc == "neardup":
            stories = []
            for copies in (2, 3, 3, 4, 5, 5):
                stories += [(len(stories), copies)]
            s.stories = [(self.eng.title(rng.getrandbits, s.loc), self.article(s, 4)) for _ in stories]
            s.copies = [c for _, c in stories]
        if sc == "small":
            lines = rng.sample(SMALL_LINES, 2)
            s.small = []
            for t in lines:
                t = t.replace("{D}", s.display).replace("{home}", s.home).replace("{domain}", s.domain)
                s.small.append((t, set(rng.sample(range(s.size), 3)), rng.random() < 0.7))

        plans = list(range(s.size))
        if sc == "neardup":
            plans = []
            for i, c in enumerate(s.copies):
                plans += [("story", i)] * c
            plans += [("single", None)] * (s.size - len(plans))
            rng.shuffle(plans)
        if sc == "exactdup":
            plans = [("dup", 0)] * 5 + [("dup", 1)] * 5 + [("single", None)] * (s.size - 10)
            rng.shuffle(plans)
            s.dups = {}
        for d, plan in enumerate(plans):
            if sc == "exactdup" and plan[0] == "dup" and plan[1] in s.dups:
                docs.append(s.dups[plan[1]])
                continue
            doc = self.one_doc(s, d, plan)
            if sc == "exactdup" and plan[0] == "dup":
                s.dups[plan[1]] = doc
            docs.append(doc)
        return docs

    def one_doc(self, s, d, plan):
        rng = self.rng
        sc = s.scenario
        year = rng.randint(2009, 2024)
        title = self.eng.title(rng.getrandbits, s.loc)
        art_kind = None
        if sc == "neardup" and plan[0] == "story":
            title, pars = s.stories[plan[1]]
            pars = list(pars)
            art_kind = "keep:neardup"
        else:
            pars = self.article(s)
            if sc == "exactdup" and plan[0] == "dup":
                art_kind = "keep:exactdup"
        body = [[(p, art_kind)] for p in pars]  # each paragraph: list of (text, kind) runs
        before = {}  # paragraph index -> blocks (each a list of runs) placed before it

        def put(i, block):
            before.setdefault(i, []).append(block)

        n = len(body)
        if sc == "neardup" and plan[0] == "story":
            body.insert(rng.randint(1, n), [(self.paragraph(s), None)])  # the different insert
            n += 1
        elif sc in ("camel", "abbrev"):
            for _ in range(rng.randint(2, 4)):
                i = rng.randrange(n)
                runs = body[i]
                sent = self.special_sentence(s, sc)
                if rng.random() < 0.5:
                    body[i] = runs + [(" ", None), (sent, "keep:" + sc)]
                else:
                    body[i] = [(sent, "keep:" + sc), (" ", None)] + runs
        elif sc == "numbered":
            for lst in self.numbered(s)[::-1]:
                put(min(n - 1, 1 + rng.randrange(2)), [(lst, "keep:numbered")])
        elif sc == "urls":
            put(n if rng.random() < 0.6 else rng.randint(1, n - 1), [(self.url_lines(s), "keep:urls")])
        elif sc == "value":
            runs = []
            for j, (lab, fmt, lo, hi) in enumerate(s.tickers):
                if j:
                    runs.append(("\n", None))
                runs += [(lab, "label"), (" ", None), (self.ticker_value(fmt, lo, hi), "keep:value")]
            put(1, runs)
        elif sc == "background":
            for p in s.bg_in.get(d, []):
                put(rng.randint(1, n - 1), [(p, "keep:background")])
        elif sc == "vartail":
            for _ in range(rng.randint(1, 2)):
                t = rng.choice(s.titles) if s.titles else self.eng.title(rng.getrandbits, s.loc)
                lab = s.related if rng.random() < 0.5 else "Read more:"
                put(rng.randint(1, n - 1), [(f"{lab} {t}", "vartail")])
            slug = slugify(title, rng.randint(10, 9999))
            put(n, [(f"Read the original at {s.partner}/{year}/{rng.randint(1, 12):02d}/{slug}", "vartail")])

        head, tail = [], []
        if sc == "byline":
            head.append([(f"Date: {self.date()} | Category: {rng.choice(CATEGORIES)} | "
                          f"Author: {rng.choice(s.staff)}", "keep:byline")])
        if sc == "menu":
            menu = [m for m in s.menu if rng.random() < 0.95]
            h, ampm = rng.randint(1, 12), rng.choice(["AM", "PM"])
            head.append([("\n".join(menu), "menu")])
            head.append([(f"updated {h}:{rng.randint(0, 59):02d} {ampm} EST, {rng.choice(DOW3)} "
                          f"{self.date()}", "shortline")])
            head.append([(title, None)])
            tail.append([("Get Free E-mail Alerts on These Topics", "shortline")])
            tail.append([(f"View all posts by {rng.choice(s.staff)}", "shortline")])
            tail.append([("\n".join(s.foot), "menu")])
        if sc == "small":
            for t, where, at_end in s.small:
                if d in where:
                    (tail if at_end else head).append([(t, "smallsite")])
        if sc in ("numbered", "urls", "camel", "abbrev", "value", "byline", "background",
                  "neardup", "exactdup"):
            if rng.random() < 0.9:
                tail.append([(s.share, "share")])
            if rng.random() < 0.9:
                tail.append([(s.copyright.replace("{year}", str(year)).replace("{C}", s.company),
                              "copyright")])
        if sc != "neardup" or plan[0] != "story":
            s.titles.append(title)
        # assemble
        pj = s.pjoin
        runs = []
        for blk in head:
            runs += blk + [(pj, None)]
        for i, p in enumerate(body):
            for blk in before.get(i, []):
                runs += blk + [(pj, None)]
            runs += p + [(pj, None)]
        for blk in before.get(n, []) + tail:
            runs += blk + [(pj, None)]
        runs.pop()
        return title, year, runs

    def run(self, emit):
        rng = self.rng
        items = []
        for s in self.sites:
            for k, (title, year, runs) in enumerate(self.site_docs(s)):
                items.append((s, k, title, year, runs))
        rng.shuffle(items)
        for gid, (s, k, title, year, runs) in enumerate(items):
            parts, spans, pos = [], [], 0
            for t, kind in runs:
                if kind is not None:
                    spans.append((pos, pos + len(t), kind))
                parts.append(t)
                pos += len(t)
            text = "".join(parts)
            if s.wrap:
                text, ins = wrap(text, s.wrap)
                if ins:
                    spans = [(a + bisect.bisect_right(ins, a), b + bisect.bisect_left(ins, b), kd)
                             for a, b, kd in spans]
            if not text.isascii():
                pts = sorted({p for a, b, _ in spans for p in (a, b)})
                m, prev, acc = {}, 0, 0
                for p in pts:
                    acc += len(text[prev:p].encode("utf-8"))
                    m[p] = acc
                    prev = p
                spans = [(m[a], m[b], kd) for a, b, kd in spans]
            for _, _, kd in spans:
                self.kind_counts[kd] = self.kind_counts.get(kd, 0) + 1
            url = f"https://www.{s.domain}/{year}/{1 + k % 12:02d}/{slugify(title, k + 1)}"
            emit(f"s{s.idx:02d}-{gid:06d}", s, title, url, text, spans)
        return len(items)


# ------------------------------------------------------------------ output
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=5000, help="number of documents (default 5000)")
    ap.add_argument("--sites", type=int, default=36, help="number of sites (default 36; raised "
                    "automatically when --docs is too large for --max-site-docs)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", help="output directory for corpus.jsonl and labels.jsonl")
    ap.add_argument("--min-site-docs", type=int, default=4, help="smallest site (default 4)")
    ap.add_argument("--max-site-docs", type=int, default=1000, help="largest site (default 1000)")
    ap.add_argument("--median-words", type=int, default=350,
                    help="median article length in words before boilerplate (default 350; "
                    "lengths are lognormal, clipped to 150..1200)")
    ap.add_argument("--gzip", action="store_true", help="write corpus.jsonl.gz and labels.jsonl.gz")
    ap.add_argument("--txt-dir", help="write one .txt file per document under TXT_DIR/<site>/NNNN.txt "
                    "instead of corpus.jsonl; labels go to --out/labels.jsonl or TXT_DIR.labels.jsonl")
    ap.add_argument("--followup-share", type=float, default=0.0,
                    help="reuse each follow-up paragraph in this share of its site's documents "
                    "(e.g. 0.05, background repeated in follow-up stories of large sites) "
                    "instead of 2-3 (default: off; the corpus is then unchanged)")
    ap.add_argument("--hard", action="store_true",
                    help="write the hard-case corpus instead (failure classes seen on real pages, "
                    "14 new kinds on 20 sites, about 500 documents; --docs, --sites, "
                    "--min-site-docs and --max-site-docs are ignored; see corpus/README.md)")
    args = ap.parse_args(argv)
    if args.min_site_docs < 1 or args.max_site_docs < args.min_site_docs or args.docs < 1:
        ap.error("need 1 <= --min-site-docs <= --max-site-docs and --docs >= 1")
    if not args.out and not args.txt_dir:
        ap.error("--out or --txt-dir is required")

    t0 = time.time()
    if args.hard:
        args.median_words = min(args.median_words, 160)
    gen = HardGenerator(args) if args.hard else Generator(args)
    if args.txt_dir:
        lab_path = (os.path.join(args.out, "labels.jsonl") if args.out
                    else args.txt_dir.rstrip("/") + ".labels.jsonl")
        os.makedirs(args.txt_dir, exist_ok=True)
        if args.out:
            os.makedirs(args.out, exist_ok=True)
        corpus_f = None
    else:
        os.makedirs(args.out, exist_ok=True)
        lab_path = os.path.join(args.out, "labels.jsonl")
        cpath = os.path.join(args.out, "corpus.jsonl")
    if args.gzip:
        lab_path += ".gz"
        lab_f = gzip.open(lab_path, "wt", encoding="utf-8", compresslevel=3, newline="\n")
        if not args.txt_dir:
            corpus_f = gzip.open(cpath + ".gz", "wt", encoding="utf-8", compresslevel=3, newline="\n")
    else:
        lab_f = open(lab_path, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
        if not args.txt_dir:
            corpus_f = open(cpath, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
    nbytes = [0, 0]
    txt_no = {}

    def emit(did, s, title, url, text, spans):
        sp = ", ".join(f'[{a}, {b}, "{k}"]' for a, b, k in spans)
        if corpus_f is not None:
            line = (f'{{"id": "{did}", "site": "{s.domain}", "url": "{url}", '
                    f'"title": {_enc(title)}, "text": {_enc(text)}}}\n')
            corpus_f.write(line)
            nbytes[0] += len(line)
            lid = did
        else:
            k = txt_no.get(s.stem, 0) + 1
            txt_no[s.stem] = k
            rel = f"{s.stem}/{k:04d}.txt"
            d = os.path.join(args.txt_dir, s.stem)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(args.txt_dir, rel), "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            nbytes[0] += len(text)
            lid = rel
        lline = f'{{"id": "{lid}", "site": "{s.domain}", "text": {_enc(text)}, "spans": [{sp}]}}\n'
        lab_f.write(lline)
        nbytes[1] += len(lline)

    n = gen.run(emit)
    if corpus_f is not None:
        corpus_f.close()
    lab_f.close()
    dt = time.time() - t0
    if corpus_f is not None:
        cbytes = os.path.getsize(cpath + (".gz" if args.gzip else ""))
    else:
        cbytes = nbytes[0]
    lbytes = os.path.getsize(lab_path)
    mb = (cbytes + lbytes) / 1e6
    all_kinds = KINDS + KEEP_KINDS + (HARD_KINDS + HARD_KEEP_KINDS if args.hard else ())
    counts = " ".join(f"{k}={gen.kind_counts.get(k, 0)}" for k in all_kinds if k in gen.kind_counts
                      or not args.hard)
    print(f"generate: {n} docs, {len(gen.sites)} sites "
          f"({sum(1 for s in gen.sites if s.script != 'en')} non-Latin), wrote corpus {cbytes / 1e6:.1f} MB + "
          f"labels {lbytes / 1e6:.1f} MB in {dt:.1f}s = {mb / dt:.1f} MB/s "
          f"(corpus alone {cbytes / 1e6 / dt:.1f} MB/s); spans: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
