// This file is Flagger's CloudWatch provider: GetMetricData signed with the environment's AWS
// credentials, the template's query read as MetricDataQuery JSON, the newest datapoint returned.

package metrics

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Flagger's CloudWatch provider: GetMetricData in the template's region,
// over ten metric intervals, at most 20 datapoints, with the AWS
// credentials of the controller's environment (Flagger reads no secret for
// CloudWatch).
const (
	cloudWatchWindow        = 10
	cloudWatchMaxDatapoints = 20
	cloudWatchAPIVersion    = "2010-08-01"
	cloudWatchService       = "monitoring"
	awsTimeFormat           = "2006-01-02T15:04:05.999999999Z" // the SDK's ISO 8601
)

// AWSCredentials sign CloudWatch requests.
type AWSCredentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
}

// EnvAWSCredentials reads the standard AWS environment variables. Flagger's
// SDK also tries shared config files, web identity (IRSA) and the instance
// metadata service; rehearse reads only the environment.
func EnvAWSCredentials(context.Context) (AWSCredentials, error) {
	c := AWSCredentials{AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"),
		SessionToken: os.Getenv("AWS_SESSION_TOKEN")}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return c, fmt.Errorf("cloudwatch needs AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones) in the controller's environment")
	}
	return c, nil
}

// CloudWatch runs GetMetricData queries (the query protocol Flagger's AWS
// SDK speaks: a signed form POST answered in XML).
type CloudWatch struct {
	endpoint, region string
	window           time.Duration
	creds            func(context.Context) (AWSCredentials, error)
	client           *http.Client
}

func newCloudWatch(cfg providerConfig) (*CloudWatch, error) {
	if cfg.spec.Region == "" {
		return nil, fmt.Errorf("cloudwatch needs spec.provider.region, the AWS region of your metrics (like eu-west-1); Flagger ignores the address")
	}
	interval, err := windowOf(ProviderCloudWatch, cfg.interval)
	if err != nil {
		return nil, err
	}
	creds := cfg.aws
	if creds == nil {
		creds = EnvAWSCredentials
	}
	return &CloudWatch{endpoint: CloudWatchEndpoint(cfg.spec.Region), region: cfg.spec.Region, window: cloudWatchWindow * interval,
		creds: creds, client: clientFor(cfg.client, cfg.spec.InsecureSkipVerify)}, nil
}

// CloudWatchEndpoint is the regional endpoint the AWS SDK resolves.
func CloudWatchEndpoint(region string) string {
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return "https://" + cloudWatchService + "." + region + "." + suffix + "/"
}

// MetricDataQuery is one element of a CloudWatch template's query: the
// JSON of the SDK's structure, field names as AWS spells them.
type MetricDataQuery struct {
	ID         string      `json:"Id"`
	Expression string      `json:"Expression,omitempty"`
	Label      string      `json:"Label,omitempty"`
	MetricStat *MetricStat `json:"MetricStat,omitempty"`
	Period     *int64      `json:"Period,omitempty"`
	ReturnData *bool       `json:"ReturnData,omitempty"`
	AccountID  string      `json:"AccountId,omitempty"`
}

// MetricStat is a metric, a period and a statistic.
type MetricStat struct {
	Metric struct {
		Namespace  string      `json:"Namespace"`
		MetricName string      `json:"MetricName"`
		Dimensions []Dimension `json:"Dimensions,omitempty"`
	} `json:"Metric"`
	Period int64  `json:"Period"`
	Stat   string `json:"Stat"`
	Unit   string `json:"Unit,omitempty"`
}

// Dimension is a name/value pair of a CloudWatch metric.
type Dimension struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// ParseMetricDataQueries reads a template's query as Flagger does: a JSON
// array of MetricDataQuery.
func ParseMetricDataQueries(query string) ([]MetricDataQuery, error) {
	var qs []MetricDataQuery
	if err := json.Unmarshal([]byte(query), &qs); err != nil {
		return nil, fmt.Errorf("cloudwatch query is not a JSON array of MetricDataQuery objects: %w", err)
	}
	return qs, nil
}

// RunQuery runs GetMetricData over the window that ends at at and returns
// the first returned result's first value: the newest datapoint, since
// CloudWatch scans by descending timestamp.
func (c *CloudWatch) RunQuery(ctx context.Context, query string, at time.Time) (float64, error) {
	qs, err := ParseMetricDataQueries(query)
	if err != nil {
		return 0, err
	}
	form := getMetricDataForm(qs, at.Add(-c.window), at, cloudWatchMaxDatapoints)
	status, body, err := c.post(ctx, form, at)
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, cloudWatchError(status, body)
	}
	return firstCloudWatchValue(body)
}

// IsOnline sends an empty GetMetricData, as Flagger does: AWS answers 400
// (the request is invalid) when the credentials may call it.
func (c *CloudWatch) IsOnline(ctx context.Context, at time.Time) (bool, error) {
	status, body, err := c.post(ctx, getMetricDataForm(nil, time.Time{}, time.Time{}, 0), at)
	if err != nil {
		return false, err
	}
	if status != http.StatusOK && status != http.StatusBadRequest {
		return false, fmt.Errorf("cloudwatch probe: %w", cloudWatchError(status, body))
	}
	return true, nil
}

// getMetricDataForm encodes the call in the query protocol's form fields.
func getMetricDataForm(qs []MetricDataQuery, start, end time.Time, maxPoints int) url.Values {
	f := url.Values{"Action": {"GetMetricData"}, "Version": {cloudWatchAPIVersion},
		"StartTime": {start.UTC().Format(awsTimeFormat)}, "EndTime": {end.UTC().Format(awsTimeFormat)}}
	if maxPoints > 0 {
		f.Set("MaxDatapoints", strconv.Itoa(maxPoints))
	}
	if qs == nil {
		f.Set("MetricDataQueries", "")
	}
	for i, q := range qs {
		q.encode(f, fmt.Sprintf("MetricDataQueries.member.%d.", i+1))
	}
	return f
}

func (q MetricDataQuery) encode(f url.Values, p string) {
	setIf(f, p+"Id", q.ID)
	setIf(f, p+"Expression", q.Expression)
	setIf(f, p+"Label", q.Label)
	setIf(f, p+"AccountId", q.AccountID)
	if q.Period != nil {
		f.Set(p+"Period", strconv.FormatInt(*q.Period, 10))
	}
	if q.ReturnData != nil {
		f.Set(p+"ReturnData", strconv.FormatBool(*q.ReturnData))
	}
	if s := q.MetricStat; s != nil {
		m := p + "MetricStat."
		setIf(f, m+"Metric.Namespace", s.Metric.Namespace)
		setIf(f, m+"Metric.MetricName", s.Metric.MetricName)
		for j, d := range s.Metric.Dimensions {
			dp := fmt.Sprintf("%sMetric.Dimensions.member.%d.", m, j+1)
			f.Set(dp+"Name", d.Name)
			f.Set(dp+"Value", d.Value)
		}
		f.Set(m+"Period", strconv.FormatInt(s.Period, 10))
		setIf(f, m+"Stat", s.Stat)
		setIf(f, m+"Unit", s.Unit)
	}
}

func setIf(f url.Values, k, v string) {
	if v != "" {
		f.Set(k, v)
	}
}

func (c *CloudWatch) post(ctx context.Context, form url.Values, at time.Time) (int, []byte, error) {
	creds, err := c.creds(ctx)
	if err != nil {
		return 0, nil, err
	}
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, strings.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("cloudwatch endpoint: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	signV4(req, []byte(body), creds, c.region, cloudWatchService, at)
	return do(ctx, c.client, ProviderCloudWatch, req)
}

// cloudWatchAnswer is the part of a GetMetricData answer Flagger reads.
type cloudWatchAnswer struct {
	Results []struct {
		ID     string    `xml:"Id"`
		Values []float64 `xml:"Values>member"`
	} `xml:"GetMetricDataResult>MetricDataResults>member"`
}

func firstCloudWatchValue(body []byte) (float64, error) {
	var a cloudWatchAnswer
	if err := xml.Unmarshal(body, &a); err != nil {
		return 0, fmt.Errorf("cloudwatch answer is not a GetMetricData response (%v): %s", err, snippet(body))
	}
	if len(a.Results) == 0 || len(a.Results[0].Values) == 0 {
		return 0, noValues(ProviderCloudWatch, body)
	}
	return a.Results[0].Values[0], nil
}

// cloudWatchError reads AWS's error document for the user.
func cloudWatchError(status int, body []byte) error {
	var e struct {
		Code    string `xml:"Error>Code"`
		Message string `xml:"Error>Message"`
	}
	if xml.Unmarshal(body, &e) == nil && e.Code != "" {
		return fmt.Errorf("cloudwatch answered %d %s: %s", status, e.Code, e.Message)
	}
	return fmt.Errorf("cloudwatch answered %d %s: %s", status, http.StatusText(status), snippet(body))
}
