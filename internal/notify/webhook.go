package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// webhookTimeout bounds one post to a robot.
const webhookTimeout = 10 * time.Second

// textMessage is the body both robots take for plain text:
// {"msgtype":"text","text":{"content":"…"}} (企业微信群机器人 and 钉钉自定义机器人
// share it).
type textMessage struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
}

// robotAnswer is what both robots answer: errcode 0 is success.
type robotAnswer struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// postWebhook posts text to the configured robot. A non-2xx status, or an
// errcode other than 0 in the answer, is an error; the error never holds
// the URL, which carries the robot's key.
func postWebhook(ctx context.Context, client *http.Client, s Settings, text string, now time.Time) error {
	var msg textMessage
	msg.MsgType = "text"
	msg.Text.Content = text
	body, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	target := s.WebhookURL
	if s.WebhookKind == WebhookDingTalk && s.WebhookSecret != "" {
		target = dingTalkSign(target, s.WebhookSecret, now)
	}
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return errors.New(msgWebhookInvalid)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	res, err := client.Do(req)
	if err != nil {
		return cleanNetError(err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf(msgHTTPStatus, res.StatusCode)
	}
	var a robotAnswer
	if json.Unmarshal(answer, &a) == nil && a.ErrCode != nil && *a.ErrCode != 0 {
		return fmt.Errorf(msgErrcode, *a.ErrCode, a.ErrMsg)
	}
	return nil
}

// dingTalkSign adds DingTalk's 加签 parameters: timestamp in milliseconds and
// sign = Base64(HMAC-SHA256(secret, timestamp + "\n" + secret)).
func dingTalkSign(target, secret string, now time.Time) string {
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	sign := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", sign)
	u.RawQuery = q.Encode()
	return u.String()
}

// cleanNetError drops the request URL from an HTTP client error (it holds
// the robot's key) and keeps what went wrong.
func cleanNetError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return errors.New(msgTimeout)
		}
		return ue.Err
	}
	return err
}
