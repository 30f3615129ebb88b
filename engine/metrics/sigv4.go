// This file signs CloudWatch requests with AWS Signature Version 4 at a given time: the canonical
// headers, path and query, and the HMAC chain that signs them.

package metrics

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// signV4 signs a request with AWS Signature Version 4 (the algorithm AWS
// documents in its general reference), at the given time. The signed
// headers are host, x-amz-date, content-type when set, and the session
// token when there is one.
func signV4(req *http.Request, body []byte, c AWSCredentials, region, service string, at time.Time) {
	stamp := at.UTC().Format("20060102T150405Z")
	day := stamp[:8]
	req.Header.Set("X-Amz-Date", stamp)
	if c.SessionToken != "" {
		req.Header.Set("X-Amz-Security-Token", c.SessionToken)
	}
	names, canonHeaders := canonicalHeaders(req)
	payload := sha256Hex(body)
	canon := strings.Join([]string{req.Method, canonicalPath(req.URL), canonicalQuery(req.URL), canonHeaders, names, payload}, "\n")
	scope := day + "/" + region + "/" + service + "/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + stamp + "\n" + scope + "\n" + sha256Hex([]byte(canon))
	key := hmacSHA256([]byte("AWS4"+c.SecretAccessKey), day)
	for _, part := range []string{region, service, "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	sig := hex.EncodeToString(hmacSHA256(key, toSign))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+c.AccessKeyID+"/"+scope+
		", SignedHeaders="+names+", Signature="+sig)
}

// canonicalHeaders lists the signed headers, lower-cased and sorted, and
// their canonical block (each "name:value\n").
func canonicalHeaders(req *http.Request) (string, string) {
	h := map[string]string{"host": req.URL.Host}
	if req.Host != "" {
		h["host"] = req.Host
	}
	for _, k := range []string{"Content-Type", "X-Amz-Date", "X-Amz-Security-Token"} {
		if v := req.Header.Get(k); v != "" {
			h[strings.ToLower(k)] = strings.Join(strings.Fields(v), " ")
		}
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		b.WriteString(k + ":" + h[k] + "\n")
	}
	return strings.Join(names, ";"), b.String()
}

func canonicalPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	return p
}

// canonicalQuery sorts the parameters and escapes them as AWS requires
// (space as %20, never +).
func canonicalQuery(u *url.URL) string {
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, awsEscape(k)+"="+awsEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

func awsEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
