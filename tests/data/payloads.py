"""HTTP payloads akshare 1.19.5's real parsers accept (shapes from the team's
akshare reference; numbers made up), plus a helper that registers them."""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd
import responses
from responses import matchers

from tests.data.sina_codec import encode_bars

EM_KLINE = "https://push2his.eastmoney.com/api/qt/stock/kline/get"
EM_BOARD_HIST = "https://91.push2his.eastmoney.com/api/qt/stock/kline/get"
EM_INDUSTRY_HIST = "http://7.push2his.eastmoney.com/api/qt/stock/kline/get"
EM_CONS = "https://29.push2.eastmoney.com/api/qt/clist/get"
EM_SPOT = "https://82.push2.eastmoney.com/api/qt/clist/get"
SINA = "https://finance.sina.com.cn/realstock/company"
SINA_AMOUNT = "https://stock.finance.sina.com.cn/stock/api/jsonp.php/var%20KKE_ShareAmount_{0}=/StockService.getAmountBySymbol"
TX_TRENDS = "https://web.ifzq.gtimg.cn/other/klineweb/klineWeb/weekTrends"
TX_KLINE = "https://proxy.finance.qq.com/ifzqgtimg/appstock/app/newfqkline/get"


def qp(**params: str) -> list:
    return [matchers.query_param_matcher(params, strict_match=False)]


def em_envelope(data: object) -> dict:
    return {"rc": 0, "rt": 17, "svr": 181669437, "lt": 1, "full": 0, "dlmkts": "", "data": data}


def em_kline(code: str, market: int, lines: list[str]) -> dict:
    return em_envelope({"code": code, "market": market, "name": "x", "decimal": 2,
                        "dktotal": len(lines), "preKPrice": 0.0, "klines": lines})


# (date, open, close, high, low, volume lots, amount CNY, turnover %) — raw prices
RAW = [
    ("2024-01-02", 14.10, 14.02, 14.25, 13.95, 250000, 351000000.0, 1.01),
    ("2024-01-03", 14.00, 14.30, 14.38, 13.90, 310000, 440000000.0, 1.26),
    ("2024-01-04", 14.28, 14.11, 14.40, 14.05, 205000, 291000000.0, 0.83),
    ("2024-01-05", 13.90, 13.95, 14.10, 13.80, 198000, 276000000.0, 0.80),  # ex-date: 0.20 cash
    ("2024-01-08", 13.96, 14.20, 14.30, 13.90, 221000, 312000000.0, 0.90),
]
FACTOR = [4.0, 4.0, 4.0, 4.0 * 14.11 / 13.91, 4.0 * 14.11 / 13.91]  # prev close 14.11, ref 13.91


def stock_lines(rows: list[tuple], factors: list[float] | None = None) -> list[str]:
    """11-field eastmoney klines; ``factors`` turns them into hfq prices."""
    out = []
    for i, (d, o, c, h, lw, v, a, t) in enumerate(rows):
        f = factors[i] if factors else 1.0
        o, c, h, lw = (round(x * f, 2) for x in (o, c, h, lw))
        out.append(f"{d},{o:.2f},{c:.2f},{h:.2f},{lw:.2f},{v},{a:.2f},2.00,0.50,0.07,{t:.2f}")
    return out


def register_em_stock(rsps: responses.RequestsMock, code: str = "600487", rows: list[tuple] = RAW,
                      factors: list[float] = FACTOR, **match: str) -> None:
    market = "1" if code.startswith("6") else "0"
    rsps.get(EM_KLINE, json=em_kline(code, int(market), stock_lines(rows)),
             match=qp(secid=f"{market}.{code}", fqt="0", **match))
    rsps.get(EM_KLINE, json=em_kline(code, int(market), stock_lines(rows, factors)),
             match=qp(secid=f"{market}.{code}", fqt="2", **match))


def register_em_index(rsps: responses.RequestsMock, secid: str = "1.000300") -> None:
    lines = [
        "2024-01-02,3426.81,3386.35,3426.81,3383.60,121500000,182500000000.00,1.26",
        "2024-01-03,3380.93,3385.00,3393.21,3371.22,114600000,170300000000.00,0.65",
    ]
    rsps.get(EM_KLINE, json=em_kline(secid.split(".")[1], int(secid[0]), lines),
             match=qp(secid=secid, fields2="f51,f52,f53,f54,f55,f56,f57,f58"))


SINA_BARS = [
    {"date": date(2024, 1, 2), "open": 14.10, "high": 14.25, "low": 13.95, "close": 14.02, "volume": 25_000_000, "amount": 351_000_000},
    {"date": date(2024, 1, 3), "open": 14.00, "high": 14.38, "low": 13.90, "close": 14.30, "volume": 31_000_000, "amount": 440_000_000},
    {"date": date(2024, 1, 4), "open": 14.28, "high": 14.40, "low": 14.05, "close": 14.11, "volume": 20_500_000, "amount": 291_000_000},
]


def register_sina_stock(rsps: responses.RequestsMock, prefixed: str = "sh600487") -> None:
    rsps.get(f"{SINA}/{prefixed}/hisdata_klc2/klc_kl.js",
             body=f'var KLC_KL_{prefixed}="{encode_bars(SINA_BARS)}";\n')
    rsps.get(SINA_AMOUNT.format(prefixed),
             body=f'var KKE_ShareAmount_{prefixed}=({{data:[{{date:"2023-06-30",amount:"246698.8633"}}]}});')


def register_sina_index(rsps: responses.RequestsMock, prefixed: str = "sh000300") -> None:
    bars = [
        {"date": date(2024, 1, 2), "open": 3426.81, "high": 3426.81, "low": 3383.60, "close": 3386.35,
         "volume": 12_150_000_000, "amount": 182_500_000_000},
        {"date": date(2024, 1, 3), "open": 3380.93, "high": 3393.21, "low": 3371.22, "close": 3385.00,
         "volume": 11_460_000_000, "amount": 170_300_000_000},
    ]
    rsps.get(f"{SINA}/{prefixed}/hisdata/klc_kl.js", body=f'var KLC_KL_{prefixed}="{encode_bars(bars)}";\n')


# tencent rows: [date, open, close, high, low, volume(lots), {}, turnover %, amount 1e4 CNY, ""]
TX_RAW = [
    ["2024-01-02", "9.39", "9.21", "9.42", "9.21", "1158366.00", {}, "0.60", "107564.02", ""],
    ["2024-01-03", "9.19", "9.20", "9.22", "9.15", "733610.00", {}, "0.38", "67361.66", ""],
]


def register_tencent(rsps: responses.RequestsMock, prefixed: str = "sz000001", factor: float = 2.5) -> None:
    rsps.get(TX_TRENDS, body='trend_qfq={"code":0,"msg":"","data":[["2024-01-02","9.39"]]}',
             content_type="text/html")

    def kline(request):
        from urllib.parse import parse_qs, urlparse

        q = parse_qs(urlparse(request.url).query)
        sym, _, start, _, _, adjust = (q["param"][0].split(",") + [""])[:6]
        year = int(start[:4])
        rows = []
        if year == 2024:
            rows = [list(r) for r in TX_RAW]
            if adjust == "hfq":
                for r in rows:
                    for i in (1, 2, 3, 4):
                        r[i] = f"{float(r[i]) * factor:.2f}"
        key = {"": "day", "qfq": "qfqday", "hfq": "hfqday"}[adjust]
        body = {"code": 0, "msg": "", "data": {sym: {key: rows, "qt": {}}}}
        return 200, {}, f"kline_day{adjust}{year}=" + json.dumps(body)

    rsps.add_callback(responses.GET, TX_KLINE, callback=kline, content_type="text/html")


CONS_KEYS = ([f"f{i}" for i in range(1, 19)] + ["f20", "f21", "f22", "f23", "f24", "f25",
             "f45", "f62", "f115", "f128", "f140", "f141", "f136", "f152"])
SPOT_KEYS = ([f"f{i}" for i in range(1, 19)] + ["f20", "f21", "f22", "f23", "f24", "f25",
             "f62", "f115", "f128", "f140", "f141", "f136", "f152"])


def _ordered(keys: list[str], values: dict) -> dict:
    return {k: values.get(k, "-") for k in keys}


def cons_row(code: str, name: str, market: int, price: float, pct: float) -> dict:
    return _ordered(CONS_KEYS, {
        "f1": 2, "f2": price, "f3": pct, "f4": 0.1, "f5": 250000, "f6": 351000000.0, "f7": 2.12,
        "f8": 1.01, "f9": 20.0, "f10": 0.95, "f11": 0.0, "f12": code, "f13": market, "f14": name,
        "f15": price + 0.2, "f16": price - 0.2, "f17": price - 0.1, "f18": price - 0.05,
        "f20": 1, "f21": 1, "f22": 0.0, "f23": 1.5, "f24": 5.5, "f25": 12.1, "f45": price,
        "f62": 1.0, "f115": 18.0, "f152": 2,
    })


BOARD_CONS = em_envelope({"total": 3, "diff": [
    cons_row("600487", "亨通光电", 1, 14.11, 2.35),
    cons_row("300750", "宁德时代", 0, 165.20, -0.55),
    cons_row("000001", "平安银行", 0, 9.21, 0.11),
]})
BOARD_HIST = em_kline("BK0715", 90, [
    "2024-01-02,1234.56,1240.10,1245.00,1228.30,25000000,32000000000.00,1.35,0.45,5.54,1.12",
    "2024-01-03,1240.00,1221.75,1242.20,1218.40,23000000,29500000000.00,1.92,-1.48,-18.35,1.03",
])

SPOT = em_envelope({"total": 2, "diff": [
    _ordered(SPOT_KEYS, {"f1": 2, "f2": 14.11, "f3": 2.35, "f9": 21.5, "f12": "600487", "f13": 1,
                         "f14": "亨通光电", "f20": 34_800_000_000, "f21": 33_000_000_000, "f23": 1.62}),
    _ordered(SPOT_KEYS, {"f1": 2, "f2": 165.2, "f3": -0.55, "f9": 18.7, "f12": "300750", "f13": 0,
                         "f14": "宁德时代", "f20": 726_000_000_000, "f21": 644_000_000_000, "f23": 4.51}),
]})


def _sse_row(code: str, name: str, full: str) -> dict:
    return {"A_STOCK_CODE": code, "B_STOCK_CODE": "-", "COMPANY_ABBR": name, "COMPANY_CODE": code,
            "DELIST_DATE": "-", "FULL_NAME": full, "LIST_BOARD": "1", "LIST_DATE": "20030822",
            "SEC_NAME_CN": name, "SEC_NAME_FULL": name}


def _szse_xlsx() -> bytes:
    df = pd.DataFrame({
        "板块": ["主板", "创业板"], "公司全称": ["平安银行股份有限公司", "宁德时代新能源科技股份有限公司"],
        "A股代码": ["000001", "300750"], "A股简称": ["平安银行", "宁德时代"],
        "A股上市日期": ["1991-04-03", "2018-06-11"], "A股总股本": ["1", "1"],
        "A股流通股本": ["1", "1"], "所属行业": ["J 金融业", "C 制造业"],
    })
    buf = io.BytesIO()
    df.to_excel(buf, index=False)
    return buf.getvalue()


_BSE_POS = {0: "fxssrq", 11: "xxfxsgb", 17: "xxhyzl", 22: "xxjsrq", 29: "xxssdq",
            35: "xxzbqs", 36: "xxzgb", 38: "xxzqdm", 40: "xxzqjc"}


def _bse_page() -> str:
    vals = {"fxssrq": "20201223", "xxfxsgb": 1, "xxhyzl": "汽车制造业", "xxjsrq": "20240104",
            "xxssdq": "安徽省", "xxzbqs": "x", "xxzgb": 1, "xxzqdm": "920000", "xxzqjc": "安徽凤凰"}
    row = {}
    for i in range(48):
        key = _BSE_POS.get(i, f"pad{i:02d}")
        row[key] = vals.get(key, "")
    return "null(" + json.dumps([{"content": [row], "totalPages": 1, "totalElements": 1}], ensure_ascii=False) + ")"


def register_universe(rsps: responses.RequestsMock) -> None:
    sse = "https://query.sse.com.cn/sseQuery/commonQuery.do"
    rsps.get(sse, json={"actionErrors": [], "result": [_sse_row("600487", "亨通光电", "江苏亨通光电股份有限公司")],
                        "pageHelp": {"pageNo": 1, "pageSize": 10000, "total": 1}}, match=qp(STOCK_TYPE="1"))
    rsps.get(sse, json={"actionErrors": [], "result": [_sse_row("688981", "中芯国际", "中芯国际集成电路制造有限公司")],
                        "pageHelp": {"pageNo": 1, "pageSize": 10000, "total": 1}}, match=qp(STOCK_TYPE="8"))
    rsps.get("https://www.szse.cn/api/report/ShowReport", body=_szse_xlsx(),
             content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    rsps.post("https://www.bse.cn/nqxxController/nqxxCnzq.do", body=_bse_page(), content_type="text/html")
