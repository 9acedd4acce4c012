#!/usr/bin/env python3
"""Account fixtures for ncp_mock.py.

  gen_account.py demo                      the demo account (tests/mock/accounts/demo.json)
  gen_account.py size N [--seed S] [--per-order K] [--healthy]
                                           N certificates, 1-4 per order (or K),
                                           mostly healthy, varied states

Dates are written as the mock's relative helper keys (notAfterDays etc., with
dateStyle), so a fixture never goes stale: the mock turns them into real
dates at request time.  Output is JSON on stdout, or -o FILE.

Importable: demo_account(), size_account(n, seed, per_order, healthy),
cert(...), account(orders), DEMO_EXPECT (what the plugin should make of the
demo account with the default thresholds -w 30 -c 14).
"""

import argparse
import json
import random
import sys

MEMBER_NO = "2780201"
DATE_STYLES = ["ncp", "ncp-space", "iso", "iso-z", "epoch-ms", "offset:-05:00"]

# statusCode -> statusName as the reference page lists them.
STATUS = {
    0: "ONGOING",
    1: "NORMAL",
    2: "NORMAL_UNREGISTERED_PRIVATE_KEY",
    3: "NORMAL_GLOBAL_EDGE_DEDICATED",
    -1: "FAILED",
    -2: "EXPIRE",
    -3: "VALIDATION_FAILED",
    -4: "VALIDATION_EXPIRE",
    -5: "REVOKE",
    -6: "DELETED",
    -7: "REQUEST_REVOKE",
}


def cert(no, name, status=1, days=None, *, common_name=None, dns=None, dns_as_list=False,
         status_as_number=False, status_name=None, ov=False, type_key="certificateType",
         order_id=None, order_key="orderId", date_style="ncp", issue_type="ORIGINAL",
         regist_days=None, update_days=None, extra=None):
    """One certificate object in fixture form."""
    cn = common_name or "%s.example.com" % name
    names = dns if dns is not None else [cn, "www." + cn]
    c = {
        "certificateNo": no,
        "certificateName": name,
        "memberNo": MEMBER_NO,
        "commonName": cn,
        "dnsName": list(names) if dns_as_list else ",".join(names),
        "statusCode": status if status_as_number else str(status),
        "statusName": status_name or STATUS.get(status, "UNKNOWN"),
        type_key: "NCP_PAID_OV_01" if ov else "NCP_PAID_DV_01",
        "domainCode": "PUB",
        "issueType": issue_type,
        "subjectDN": ("cn=%s,o=Example Corporation,l=Seoul,s=Seoul,c=KR" % cn) if ov
        else "cn=%s" % cn,
    }
    if order_id is not None:
        c[order_key] = str(order_id)
    if regist_days is not None:
        c["registDateDays"] = regist_days
    if update_days is not None:
        c["updateDateDays"] = update_days
    if days is not None:
        c["notAfterDays"] = days
    if regist_days is not None or update_days is not None or days is not None:
        c["dateStyle"] = date_style
    if extra:
        c.update(extra)
    return c


def account(orders):
    """orders: list of (orderId, [cert, ...])."""
    return {"orders": [{"orderId": str(oid), "certificates": certs} for oid, certs in orders]}


# What the plugin must make of the demo account (-w 30 -c 14).
DEMO_EXPECT = {
    "state": "CRITICAL",
    "exit": 2,
    "certificates": 10,
    "ok": 3,
    "warning": 2,
    "critical": 4,
    "unknown": 1,
    "by_name": {
        "shop-main": "OK",
        "api-gateway": "WARNING",
        "legacy-portal": "CRITICAL",
        "old-campaign": "CRITICAL",
        "compromised-app": "CRITICAL",
        "new-brand-validation": "CRITICAL",
        "pending-order": "OK",
        "cdn-edge-keyless": "OK",
        "retired-intranet": "WARNING",
        "mystery-status": "UNKNOWN",
    },
    # certificates judged by expiry: name -> days left
    "expiry_days": {
        "shop-main": 200.0,
        "api-gateway": 20.0,
        "legacy-portal": 3.0,
        "old-campaign": -2.0,
        "cdn-edge-keyless": 150.0,
    },
}


def demo_account():
    o = 900001
    return account([
        (o, [cert(100001, "shop-main", 1, 200.0, common_name="shop.example.com",
                  dns=["shop.example.com", "www.shop.example.com"], order_id=o,
                  ov=True, date_style="ncp", regist_days=-165.0, update_days=-165.0)]),
        (o + 1, [
            cert(100002, "api-gateway", 1, 20.0, common_name="api.example.com",
                 dns=["api.example.com"], dns_as_list=True, status_as_number=True,
                 type_key="certificateTypeCode", order_id=o + 1, order_key="orderID",
                 date_style="ncp-space", regist_days=-345.0),
            cert(100003, "legacy-portal", 1, 3.0, common_name="portal.example.net",
                 dns=["portal.example.net", "portal2.example.net"], order_id=o + 1,
                 status_name="Normal", date_style="iso", issue_type="REPRESENTATIVE"),
        ]),
        (o + 2, [cert(100004, "old-campaign", 1, -2.0, common_name="campaign.example.org",
                      order_id=o + 2, date_style="iso-z", issue_type="REISSUE")]),
        (o + 3, [cert(100005, "compromised-app", -5, 250.0, common_name="app.example.com",
                      status_name="Revoke", order_id=o + 3, type_key="certificateTypeCode",
                      ov=True, date_style="epoch-ms")]),
        (o + 4, [cert(100006, "new-brand-validation", -3, None, common_name="newbrand.example.com",
                      status_as_number=True, order_id=o + 4, order_key="orderID")]),
        (o + 5, [
            cert(100007, "pending-order", 0, None, common_name="pending.example.com",
                 status_name="Ongoing", order_id=o + 5, ov=True, regist_days=-1.0,
                 date_style="ncp"),
            cert(100008, "cdn-edge-keyless", 2, 150.0, common_name="cdn.example.com",
                 dns=["cdn.example.com", "img.example.com", "static.example.com"],
                 dns_as_list=True, order_id=o + 5, date_style="offset:-05:00"),
        ]),
        (o + 6, [cert(100009, "retired-intranet", -7, 90.0, common_name="intranet.example.com",
                      status_name="Request_Revoke", order_id=o + 6, date_style="ncp")]),
        # a status code this plugin does not know (a later API release): UNKNOWN
        (o + 7, [cert(100010, "mystery-status", 9, 120.0, common_name="mystery.example.com",
                      status_name="SUSPENDED", order_id=o + 7, date_style="ncp")]),
    ])


def size_account(n, seed=1, per_order=None, healthy=False, date_style=None):
    """n certificates in orders of 1-4 (or per_order), mostly healthy."""
    rnd = random.Random(seed)
    orders = []
    i = 0
    order_no = 800000
    while i < n:
        k = per_order or rnd.randint(1, 4)
        k = min(k, n - i)
        order_no += 1
        certs = []
        for _ in range(k):
            i += 1
            name = "bench-%06d" % i
            style = date_style or rnd.choice(DATE_STYLES)
            r = 0.0 if healthy else rnd.random()
            kw = dict(order_id=order_no, date_style=style, ov=rnd.random() < 0.3,
                      dns_as_list=rnd.random() < 0.5, status_as_number=rnd.random() < 0.3,
                      type_key=rnd.choice(["certificateType", "certificateTypeCode"]))
            if r < 0.84:
                c = cert(100000 + i, name, 1, rnd.uniform(31, 800), **kw)
            elif r < 0.88:
                c = cert(100000 + i, name, 1, rnd.uniform(15, 29), **kw)
            elif r < 0.90:
                c = cert(100000 + i, name, 1, rnd.uniform(1, 13), **kw)
            elif r < 0.91:
                c = cert(100000 + i, name, 1, rnd.uniform(-30, -1), **kw)
            elif r < 0.94:
                c = cert(100000 + i, name, 2, rnd.uniform(31, 800), **kw)
            elif r < 0.96:
                c = cert(100000 + i, name, 0, None, status_name="Ongoing", **kw)
            elif r < 0.97:
                c = cert(100000 + i, name, -5, rnd.uniform(31, 300), **kw)
            elif r < 0.98:
                c = cert(100000 + i, name, -3, None, **kw)
            elif r < 0.99:
                c = cert(100000 + i, name, -7, rnd.uniform(31, 300), **kw)
            else:
                c = cert(100000 + i, name, 3, rnd.uniform(31, 800), **kw)
            certs.append(c)
        orders.append((order_no, certs))
    return account(orders)


def main(argv=None):
    p = argparse.ArgumentParser(description="Account fixtures for ncp_mock.py")
    p.add_argument("-o", "--output", help="write here instead of stdout")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("demo", help="the demo account")
    s = sub.add_parser("size", help="an account of N certificates")
    s.add_argument("n", type=int)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--per-order", type=int, default=None, help="certificates per order")
    s.add_argument("--healthy", action="store_true", help="only healthy certificates")
    s.add_argument("--date-style", choices=DATE_STYLES, default=None)
    args = p.parse_args(argv)
    if args.cmd == "demo":
        acc = demo_account()
    else:
        if args.n < 0:
            p.error("N must be >= 0")
        acc = size_account(args.n, args.seed, args.per_order, args.healthy, args.date_style)
    text = json.dumps(acc, indent=1 if args.cmd == "demo" else None) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
