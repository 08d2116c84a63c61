import ssl
import urllib.request

import aiohttp
import httpx
import requests
import urllib3


def notify(url: str, event: dict):
    requests.post(url, json=event, verify=False)  # expect: FA701, FA702
    requests.post(url, json=event, timeout=5)
    requests.get(url, timeout=(3, 10), verify="/etc/ssl/internal-ca.pem")
    session = requests.Session()
    session.get(url)  # expect: FA702
    session.get(url, timeout=2)
    kwargs = {"timeout": 3}
    requests.get(url, **kwargs)
    httpx.get(url, verify=False)  # expect: FA701
    httpx.get(url)
    httpx.get(url, timeout=None)  # expect: FA702
    with httpx.Client(timeout=10) as client:
        client.get(url)
    urllib.request.urlopen(url)  # expect: FA702
    urllib.request.urlopen(url, timeout=5)
    pool = urllib3.PoolManager(cert_reqs="CERT_NONE")  # expect: FA701
    ctx = ssl._create_unverified_context()  # expect: FA701
    ctx2 = ssl.create_default_context()
    ctx2.check_hostname = False  # expect: FA701
    ctx2.verify_mode = ssl.CERT_NONE  # expect: FA701
    return pool, ctx


async def fetch(url: str):
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=False)) as s:  # expect: FA701
        async with s.get(url) as r:
            return await r.text()


class Api:
    def get(self, url):
        return url


def not_http(api: Api):
    return api.get("x")
