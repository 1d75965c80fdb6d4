"""(Copied from the team reference akshare-replay/sina_codec.py.) Minimal ENCODER for Sina's compressed kline / calendar format.

akshare decodes Sina's `klc_kl.js` / `klc_td_sh.txt` payloads by running a
JavaScript function (`hk_js_decode` in akshare/stock/cons.py) in V8 via
py_mini_racer.  To replay those endpoints offline we need payloads in that
format, so this module writes the bit stream the decoder reads.

Stream basics (from reading the decoder):
* base64 alphabet A-Z a-z 0-9 + /, each char = 6 bits, read LSB first;
* a fixed-width field of k bits is read LSB first; "signed" fields are
  two's complement within k bits;
* header = 12-bit format id + 6-bit flag (63 -> s = 0);
* N() = variable length signed int: sign bit, then (|v|-1) one-bits, then 0;
* day numbers count days after 1990-12-19 (Wednesday); JS Date is built
  at UTC midnight.

Two formats are implemented:
* id 139  -> list of trading dates (used by tool_trade_date_hist_sina);
* id 3466 -> daily bars with date/open/high/low/close/volume/amount
  (used by stock_zh_a_daily and accepted by stock_zh_index_daily).
"""

import datetime as dt
import math

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
EPOCH = dt.date(1990, 12, 19)   # day number 0


class BitWriter:
    def __init__(self):
        self.bits = []

    def bit(self, b):
        self.bits.append(1 if b else 0)

    def uint(self, value, width):
        if width == 0:
            return
        if not 0 <= value < (1 << width):
            raise ValueError(f"{value} does not fit in {width} unsigned bits")
        for i in range(width):
            self.bits.append((value >> i) & 1)

    def field(self, value, width, signed):
        """Decoder's w([width],[signed]) incl. the >30-bit two-part form."""
        if width <= 30:
            (self.sint if signed else self.uint)(value, width)
        else:
            self.uint(value % (1 << 30), 30)
            (self.sint if signed else self.uint)(value // (1 << 30), width - 30)

    def sint(self, value, width):
        if not -(1 << (width - 1)) <= value < (1 << (width - 1)):
            raise ValueError(f"{value} does not fit in {width} signed bits")
        self.uint(value & ((1 << width) - 1), width)

    def varint(self, value):  # decoder's N()
        if value == 0:
            raise ValueError("N() cannot encode 0")
        self.bit(value > 0)
        for _ in range(abs(value) - 1):
            self.bit(1)
        self.bit(0)

    def header(self, fmt_id):
        self.uint(fmt_id, 12)
        self.uint(63, 6)

    def text(self):
        bits = self.bits + [0] * (-len(self.bits) % 6)
        out = []
        for i in range(0, len(bits), 6):
            v = sum(bits[i + j] << j for j in range(6))
            out.append(ALPHABET[v])
        return "".join(out)


def day_number(d):
    return (d - EPOCH).days


# ---------------------------------------------------------------------------
# Format 139: trading calendar
# ---------------------------------------------------------------------------

def _next_weekday(n):
    """Mirror of the decoder's S(1): next day number that is not Sat/Sun."""
    n += 1
    r = n % 7
    if r in (3, 4):
        n += 5 - r
    return n


def encode_trade_days(dates, run_len_units=3):
    """dates: sorted list of datetime.date (weekdays only)."""
    nums = [day_number(d) for d in dates]
    trading = set(nums)
    start, end = nums[0], nums[-1]
    if start % 7 in (3, 4):
        raise ValueError("first date must be a weekday")
    # walk the weekdays exactly like the decoder and collect run lengths
    weekdays = []
    d = start - 1
    while d < end:
        d = _next_weekday(d)
        weekdays.append(d)
    runs = []            # first run counts the start day itself
    i = 0
    cnt = 0
    while i < len(weekdays) and weekdays[i] in trading:
        cnt += 1
        i += 1
    runs.append(cnt)
    while i < len(weekdays):
        i += 1               # this weekday is consumed as a "gap" (not trading)
        cnt = 0
        while i < len(weekdays) and weekdays[i] in trading:
            cnt += 1
            i += 1
        runs.append(cnt)
    w = BitWriter()
    w.header(139)
    w.uint(start, 18)
    w.uint(end, 18)
    width = 3 * run_len_units
    for k, run in enumerate(runs):
        if k == 0:
            w.bit(1)
            w.varint(run_len_units)     # r.l: 0 -> run_len_units
            w.uint(run, width)          # first run includes the start day
        else:
            w.bit(0)
            w.uint(run, width)
    return w.text()


# ---------------------------------------------------------------------------
# Format 3466: daily bars
# ---------------------------------------------------------------------------

def _round_half_even_div100(x):
    q, rem = divmod(x, 100)
    digit, rest = rem // 10, rem % 10
    if digit > 5 or (digit == 5 and (rest > 0 or q & 1)):
        q += 1
    return q


def encode_bars(bars, price_units=10, qty_units=17):
    """bars: list of dicts with date (datetime.date), open/high/low/close
    (floats with <= 2 decimals), volume (int shares), amount (int CNY).
    Price deltas use 3*price_units bits, volume/amount deltas 3*qty_units."""
    w = BitWriter()
    w.header(3466)
    pw, qw = 3 * price_units, 3 * qty_units
    prev_close_c = 0
    prev_vol = 0
    for idx, bar in enumerate(bars):
        o = round(bar["open"] * 100)
        h = round(bar["high"] * 100)
        lo = round(bar["low"] * 100)
        c = round(bar["close"] * 100)
        vol = int(bar["volume"])
        if idx == 0:
            # long form: bits 1,1 ; no header section ; length section ; no price section
            w.bit(1), w.bit(1), w.bit(0), w.bit(1)
            for default, units in ((3, price_units), (3, price_units), (3, price_units),
                                   (3, price_units), (5, qty_units), (5, qty_units)):
                w.bit(1)                              # l_o l_h l_l l_c l_v l_a
                w.varint(units - default)
            w.bit(1)                                  # u == 6 -> a.d = x()
            w.uint(1, 3)                              # x(): t == 1 -> absolute day
            w.sint(day_number(bar["date"]), 18)
            w.bit(0)                                  # no explicit prev-close section
        else:
            # short form: 1,0,1,1,1 -> a.d = x() (absolute day number)
            for b in (1, 0, 1, 1, 1):
                w.bit(b)
            w.uint(1, 3)
            w.sint(day_number(bar["date"]), 18)
        v_o, v_h, v_l, v_c = o - prev_close_c, h - o, o - lo, c - o
        v_v = vol - prev_vol
        x = math.floor((o + (v_h - v_l + v_c) / 4) * vol + 0.5)
        v_a = int(bar["amount"]) - _round_half_even_div100(x)
        w.field(v_o, pw, True)
        w.field(v_h, pw, False)
        w.field(v_l, pw, False)
        w.field(v_c, pw, True)
        w.field(v_v, qw, True)
        w.field(v_a, qw, True)
        prev_close_c, prev_vol = c, vol
    # terminator: 1,1 then three empty sections -> a.c == 0 -> break
    for b in (1, 1, 0, 0, 0):
        w.bit(b)
    return w.text()
