// kdgo: the Go clients' interop driver. Usage: kdgo CLIENT COMMAND BOOTSTRAP, where CLIENT is
// franz (github.com/twmb/franz-go) or sarama (github.com/IBM/sarama). The command's arguments
// come as one JSON object on stdin; its answer is one JSON object on stdout. Client errors
// go into the answer (the test asserts on them); only a broken invocation exits non-zero.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// Message is a record to produce.
type Message struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Report is where a produced record landed, or a consumed record.
type Report struct {
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	Key       string `json:"key"`
	Value     string `json:"value"`
	Timestamp int64  `json:"timestamp,omitempty"`
}

// PartitionInfo is one partition as Metadata describes it.
type PartitionInfo struct {
	ID       int32   `json:"id"`
	Leader   int32   `json:"leader"`
	Replicas []int32 `json:"replicas"`
	ISR      []int32 `json:"isr"`
}

// Args carries every command's arguments; each command reads the fields it needs.
type Args struct {
	Topic             string    `json:"topic"`
	Partitions        int32     `json:"partitions"`
	ReplicationFactor int16     `json:"replicationFactor"`
	Codec             string    `json:"codec"`
	Isolation         string    `json:"isolation"`
	Messages          []Message `json:"messages"`
	Aborted           []Message `json:"aborted"`
	Group             string    `json:"group"`
	Count             int       `json:"count"`
	TransactionalID   string    `json:"transactionalId"`
	Seconds           float64   `json:"seconds"`
	StopFile          string    `json:"stopFile"`
	TimeoutSeconds    float64   `json:"timeoutSeconds"`
}

func (a Args) timeout(def time.Duration) time.Duration {
	if a.TimeoutSeconds > 0 {
		return time.Duration(a.TimeoutSeconds * float64(time.Second))
	}
	return def
}

func errString(err error) *string {
	if err == nil {
		return nil
	}
	s := err.Error()
	return &s
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: kdgo franz|sarama COMMAND BOOTSTRAP < args.json")
		os.Exit(2)
	}
	client, command, bootstrap := os.Args[1], os.Args[2], strings.Split(os.Args[3], ",")
	var args Args
	if err := json.NewDecoder(os.Stdin).Decode(&args); err != nil {
		fmt.Fprintf(os.Stderr, "kdgo: arguments: %v\n", err)
		os.Exit(2)
	}
	run, ok := map[string]map[string]func([]string, Args) any{"franz": franzCommands, "sarama": saramaCommands}[client][command]
	if !ok {
		fmt.Fprintf(os.Stderr, "kdgo: unknown command %s %s\n", client, command)
		os.Exit(2)
	}
	out := run(bootstrap, args)
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintf(os.Stderr, "kdgo: %v\n", err)
		os.Exit(1)
	}
}
