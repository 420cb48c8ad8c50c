"""The seed article's URL analyser: multiprocessing.Pool(10).map over urllib + html.parser.

Usage: python3 seed_pool.py URL_LIST  → prints "<urls> <seconds>" on the last line.
"""
import sys
import time
import urllib.request
from html.parser import HTMLParser
from multiprocessing import Pool


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.title = ""
        self.in_title = False
        self.links = 0
        self.images = 0
        self.h1 = 0

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        elif tag == "a":
            self.links += 1
        elif tag == "img":
            self.images += 1
        elif tag == "h1":
            self.h1 += 1

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def analyse_url(url):
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            body = response.read()
            parser = PageParser()
            parser.feed(body.decode("utf-8", errors="replace"))
            return (url, response.status, len(body), parser.title, parser.links, parser.images, parser.h1)
    except Exception as error:
        return (url, None, 0, str(error), 0, 0, 0)


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        url_list = [line.strip() for line in f if line.strip()]
    start = time.time()
    with Pool(10) as pool:
        results = pool.map(analyse_url, url_list)
    elapsed = time.time() - start
    ok = sum(1 for r in results if r[1] == 200)
    print(f"{ok} {elapsed:.3f}")
