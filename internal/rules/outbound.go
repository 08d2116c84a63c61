package rules

// httpClientCalls are the outbound HTTP calls of the common client
// libraries, by qualified name.
var httpClientCalls = func() map[string]string {
	out := map[string]string{}
	for _, m := range []string{"get", "post", "put", "patch", "delete", "head", "options", "request"} {
		out["requests."+m] = "requests"
		out["requests.api."+m] = "requests"
		out["requests.Session."+m] = "requests"
		out["requests.sessions.Session."+m] = "requests"
		out["httpx."+m] = "httpx"
		out["httpx.Client."+m] = "httpx"
		out["httpx.AsyncClient."+m] = "httpx"
	}
	out["httpx.stream"] = "httpx"
	out["httpx.Client"] = "httpx"
	out["httpx.AsyncClient"] = "httpx"
	out["urllib.request.urlopen"] = "urllib"
	out["urllib3.request"] = "urllib3"
	out["urllib3.PoolManager"] = "urllib3"
	out["aiohttp.ClientSession"] = "aiohttp"
	out["aiohttp.TCPConnector"] = "aiohttp"
	return out
}()
