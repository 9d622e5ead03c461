// franz-go (github.com/twmb/franz-go): kgo for producing and consuming, kadm for admin. kgo's
// producer is idempotent with acks=all unless told otherwise, as Kafka 3+'s Java producer.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// franzCommands: kdgo franz COMMAND.
var franzCommands = map[string]func([]string, Args) any{
	"create":       franzCreate,
	"describe":     franzDescribe,
	"produce":      franzProduce,
	"consume":      franzConsume,
	"transactions": franzTransactions,
	"read":         franzRead,
	"stream":       franzStream,
	"admin":        franzAdmin,
}

// kafkaErrorName is Kafka's name of the error code behind err (TOPIC_ALREADY_EXISTS …), or its text.
func kafkaErrorName(err error) *string {
	if err == nil {
		return nil
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return &ke.Message
	}
	return errString(err)
}

func newFranz(bootstrap []string, opts ...kgo.Opt) (*kgo.Client, error) {
	return kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(bootstrap...), kgo.ClientID("kdgo-franz")}, opts...)...)
}

func codec(name string) kgo.CompressionCodec {
	switch name {
	case "gzip":
		return kgo.GzipCompression()
	case "snappy":
		return kgo.SnappyCompression()
	case "lz4":
		return kgo.Lz4Compression()
	case "zstd":
		return kgo.ZstdCompression()
	}
	return kgo.NoCompression()
}

func describe(ctx context.Context, adm *kadm.Client, topic string) ([]int32, []PartitionInfo, error) {
	m, err := adm.Metadata(ctx, topic)
	if err != nil {
		return nil, nil, err
	}
	var brokers []int32
	for _, b := range m.Brokers {
		brokers = append(brokers, b.NodeID)
	}
	t, ok := m.Topics[topic]
	if !ok {
		return brokers, nil, fmt.Errorf("topic %s not in metadata", topic)
	}
	if t.Err != nil {
		return brokers, nil, t.Err
	}
	var parts []PartitionInfo
	for _, p := range t.Partitions.Sorted() {
		parts = append(parts, PartitionInfo{ID: p.Partition, Leader: p.Leader, Replicas: p.Replicas, ISR: p.ISR})
	}
	return brokers, parts, nil
}

// create: CreateTopics, the same again (TOPIC_ALREADY_EXISTS), then Metadata of the topic.
func franzCreate(bootstrap []string, a Args) any {
	return withAdmin(bootstrap, a.timeout(40*time.Second), func(ctx context.Context, adm *kadm.Client) any {
		return franzCreateWith(ctx, adm, a)
	})
}

func franzCreateWith(ctx context.Context, adm *kadm.Client, a Args) any {
	out := map[string]any{}
	rf := a.ReplicationFactor
	if rf == 0 {
		rf = 1
	}
	create := func() error {
		res, err := adm.CreateTopics(ctx, a.Partitions, rf, nil, a.Topic)
		if err != nil {
			return err
		}
		return res[a.Topic].Err
	}
	out["error"] = kafkaErrorName(create())
	out["again_error"] = kafkaErrorName(create())
	// A new topic's leaders may take a moment to reach every broker's metadata.
	for {
		brokers, parts, err := describe(ctx, adm, a.Topic)
		out["brokers"], out["partitions"], out["describe_error"] = brokers, parts, kafkaErrorName(err)
		if (err == nil && len(parts) == int(a.Partitions) && allLed(parts)) || ctx.Err() != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	return out
}

// describe: the topic's partitions as Metadata shows them now.
func franzDescribe(bootstrap []string, a Args) any {
	return withAdmin(bootstrap, a.timeout(20*time.Second), func(ctx context.Context, adm *kadm.Client) any {
		brokers, parts, err := describe(ctx, adm, a.Topic)
		return map[string]any{"brokers": brokers, "partitions": parts, "error": kafkaErrorName(err)}
	})
}

// withAdmin runs fn with an admin client on a fresh kgo client, under a deadline; a client
// that cannot be made is answered {"error": …}.
func withAdmin(bootstrap []string, timeout time.Duration, fn func(context.Context, *kadm.Client) any) any {
	cl, err := newFranz(bootstrap)
	if err != nil {
		return map[string]any{"error": errString(err)}
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return fn(ctx, kadm.NewClient(cl))
}

func allLed(parts []PartitionInfo) bool {
	for _, p := range parts {
		if p.Leader < 0 {
			return false
		}
	}
	return true
}

// produce: every message, keyed, with the codec asked; returns where each landed.
func franzProduce(bootstrap []string, a Args) any {
	out := map[string]any{"reports": []Report{}, "errors": []string{}}
	cl, err := newFranz(bootstrap, kgo.DefaultProduceTopic(a.Topic), kgo.ProducerBatchCompression(codec(a.Codec)))
	if err != nil {
		out["errors"] = []string{err.Error()}
		return out
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), a.timeout(40*time.Second))
	defer cancel()
	recs := make([]*kgo.Record, len(a.Messages))
	for i, m := range a.Messages {
		recs[i] = &kgo.Record{Key: []byte(m.Key), Value: []byte(m.Value)}
	}
	var reports []Report
	var errs []string
	for _, r := range cl.ProduceSync(ctx, recs...) {
		if r.Err != nil {
			errs = append(errs, r.Err.Error())
			continue
		}
		reports = append(reports, Report{Partition: r.Record.Partition, Offset: r.Record.Offset, Key: string(r.Record.Key), Value: string(r.Record.Value)})
	}
	out["reports"], out["errors"] = nonNil(reports), nonNilStrings(errs)
	return out
}

func nonNil(r []Report) []Report {
	if r == nil {
		return []Report{}
	}
	return r
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func toReport(r *kgo.Record) Report {
	return Report{Partition: r.Partition, Offset: r.Offset, Key: string(r.Key), Value: string(r.Value), Timestamp: r.Timestamp.UnixMilli()}
}

// consume: joins the group, reads `count` records from the start, commits, and returns what
// the group's committed offsets are then (OffsetFetch).
func franzConsume(bootstrap []string, a Args) any {
	out := map[string]any{"records": []Report{}, "errors": []string{}}
	cl, err := newFranz(bootstrap,
		kgo.ConsumerGroup(a.Group), kgo.ConsumeTopics(a.Topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
	if err != nil {
		out["errors"] = []string{err.Error()}
		return out
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), a.timeout(40*time.Second))
	defer cancel()
	var records []Report
	var errs []string
	for len(records) < a.Count && ctx.Err() == nil {
		collect(cl.PollFetches(ctx), &records, &errs)
	}
	if err := cl.CommitUncommittedOffsets(ctx); err != nil {
		errs = append(errs, "commit: "+err.Error())
	}
	offsets, err := kadm.NewClient(cl).FetchOffsets(ctx, a.Group)
	if err != nil {
		errs = append(errs, "fetch offsets: "+err.Error())
	}
	committed := [][2]int64{}
	offsets.Each(func(o kadm.OffsetResponse) {
		if o.Topic == a.Topic {
			committed = append(committed, [2]int64{int64(o.Partition), o.At})
		}
	})
	sort.Slice(committed, func(i, j int) bool { return committed[i][0] < committed[j][0] })
	out["records"], out["errors"], out["committed"] = nonNil(records), nonNilStrings(errs), committed
	return out
}

// read: every record of the topic up to its end offsets as they are now, outside any group;
// read_committed unless isolation is "read_uncommitted" (then up to the high watermarks).
func franzRead(bootstrap []string, a Args) any {
	out := map[string]any{"records": []Report{}, "errors": []string{}}
	ctx, cancel := context.WithTimeout(context.Background(), a.timeout(40*time.Second))
	defer cancel()
	admCl, err := newFranz(bootstrap)
	if err != nil {
		out["errors"] = []string{err.Error()}
		return out
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	isolation := kgo.ReadCommitted()
	var ends kadm.ListedOffsets
	if a.Isolation == "read_uncommitted" {
		isolation = kgo.ReadUncommitted()
		ends, err = adm.ListEndOffsets(ctx, a.Topic)
	} else {
		ends, err = adm.ListCommittedOffsets(ctx, a.Topic)
	}
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		out["errors"] = []string{"list offsets: " + err.Error()}
		return out
	}
	want := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) { want[o.Partition] = o.Offset })
	cl, err := newFranz(bootstrap, kgo.ConsumeTopics(a.Topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(isolation))
	if err != nil {
		out["errors"] = []string{err.Error()}
		return out
	}
	defer cl.Close()
	var records []Report
	var errs []string
	done := func() bool {
		read := positions(records)
		for p, end := range want {
			if pos, ok := read[p]; end > 0 && (!ok || pos < end-1) {
				return false
			}
		}
		return true
	}
	// A read_committed reader never sees a transaction's marker, which may be the last offset
	// before the end: it stops once the end is reached or 2 polls in a row bring nothing.
	for idle := 0; !done() && idle < 2 && ctx.Err() == nil; {
		pollCtx, pollCancel := context.WithTimeout(ctx, 1500*time.Millisecond)
		n := collect(cl.PollFetches(pollCtx), &records, &errs)
		pollCancel()
		if n == 0 {
			idle++
		} else {
			idle = 0
		}
	}
	out["records"], out["errors"], out["ends"] = nonNil(records), nonNilStrings(errs), want
	return out
}

// collect appends a poll's records and errors (the poll's own deadline is not an error) and
// returns how many records it brought.
func collect(fs kgo.Fetches, records *[]Report, errs *[]string) int {
	for _, e := range fs.Errors() {
		if !errors.Is(e.Err, context.DeadlineExceeded) {
			*errs = append(*errs, fmt.Sprintf("%s[%d]: %v", e.Topic, e.Partition, e.Err))
		}
	}
	n := len(*records)
	fs.EachRecord(func(r *kgo.Record) { *records = append(*records, toReport(r)) })
	return len(*records) - n
}

// positions: the highest offset read per partition.
func positions(records []Report) map[int32]int64 {
	m := map[int32]int64{}
	for _, r := range records {
		if cur, ok := m[r.Partition]; !ok || r.Offset > cur {
			m[r.Partition] = r.Offset
		}
	}
	return m
}

// transactions: one transaction of `aborted` aborted, then one of `messages` committed, by a
// transactional producer (the test reads the topic back with read, at both isolation levels).
func franzTransactions(bootstrap []string, a Args) any {
	out := map[string]any{"errors": []string{}}
	cl, err := newFranz(bootstrap, kgo.DefaultProduceTopic(a.Topic), kgo.TransactionalID(a.TransactionalID))
	if err != nil {
		out["errors"] = []string{err.Error()}
		return out
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), a.timeout(40*time.Second))
	defer cancel()
	var errs []string
	txn := func(msgs []Message, commit kgo.TransactionEndTry) {
		if err := cl.BeginTransaction(); err != nil {
			errs = append(errs, "begin: "+err.Error())
			return
		}
		recs := make([]*kgo.Record, len(msgs))
		for i, m := range msgs {
			recs[i] = &kgo.Record{Key: []byte(m.Key), Value: []byte(m.Value)}
		}
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			errs = append(errs, "produce: "+err.Error())
		}
		if err := cl.EndTransaction(ctx, commit); err != nil {
			errs = append(errs, "end: "+err.Error())
		}
	}
	txn(a.Aborted, kgo.TryAbort)
	txn(a.Messages, kgo.TryCommit)
	out["errors"] = nonNilStrings(errs)
	return out
}

// stream: until stopFile exists (at most `seconds`), an idempotent acks=all producer sends a
// numbered sequence (about 500 records/s, keyed over 16 keys) while a group consumer reads the
// topic and commits after every poll; then the consumer goes on until it has read every
// acknowledged record (or times out). The test kills and restarts brokers meanwhile. Returns every acknowledged record, the errors the producer's
// callbacks saw (counted by text), and every record the consumer read.
func franzStream(bootstrap []string, a Args) any {
	out := map[string]any{}
	prod, err := newFranz(bootstrap, kgo.DefaultProduceTopic(a.Topic), kgo.RecordDeliveryTimeout(60*time.Second))
	if err != nil {
		out["error"] = errString(err)
		return out
	}
	defer prod.Close()
	cons, err := newFranz(bootstrap, kgo.ConsumerGroup(a.Group), kgo.ConsumeTopics(a.Topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
	if err != nil {
		out["error"] = errString(err)
		return out
	}
	defer cons.Close()

	var mu sync.Mutex
	acked := []Report{}
	produceErrors := map[string]int{}
	consumed := []Report{}
	consumeErrors := map[string]int{}
	stop := make(chan struct{})
	consumerDone := make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(a.Seconds*float64(time.Second))+a.timeout(60*time.Second))
	defer cancel()

	go func() {
		defer close(consumerDone)
		caughtUp := func() bool {
			mu.Lock()
			defer mu.Unlock()
			seen := map[string]bool{}
			for _, r := range consumed {
				seen[r.Value] = true
			}
			for _, r := range acked {
				if !seen[r.Value] {
					return false
				}
			}
			return true
		}
		for ctx.Err() == nil {
			select {
			case <-stop:
				if caughtUp() {
					return
				}
			default:
			}
			pollCtx, pollCancel := context.WithTimeout(ctx, time.Second)
			fs := cons.PollFetches(pollCtx)
			pollCancel()
			mu.Lock()
			for _, e := range fs.Errors() {
				if !errors.Is(e.Err, context.DeadlineExceeded) && !errors.Is(e.Err, context.Canceled) {
					consumeErrors[e.Err.Error()]++
				}
			}
			fs.EachRecord(func(r *kgo.Record) { consumed = append(consumed, toReport(r)) })
			mu.Unlock()
			if err := cons.CommitUncommittedOffsets(ctx); err != nil && ctx.Err() == nil {
				mu.Lock()
				consumeErrors["commit: "+err.Error()]++
				mu.Unlock()
			}
		}
	}()

	end := time.Now().Add(time.Duration(a.Seconds * float64(time.Second)))
	tick := time.NewTicker(20 * time.Millisecond)
	seq := 0
	for time.Now().Before(end) && !exists(a.StopFile) {
		<-tick.C
		for i := 0; i < 10; i++ {
			rec := &kgo.Record{Key: fmt.Appendf(nil, "k-%d", seq%16), Value: fmt.Appendf(nil, "seq-%d", seq)}
			seq++
			prod.Produce(ctx, rec, func(r *kgo.Record, err error) {
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					produceErrors[err.Error()]++
					return
				}
				acked = append(acked, toReport(r))
			})
		}
	}
	tick.Stop()
	if err := prod.Flush(ctx); err != nil {
		mu.Lock()
		produceErrors["flush: "+err.Error()]++
		mu.Unlock()
	}
	close(stop)
	<-consumerDone
	mu.Lock()
	defer mu.Unlock()
	out["sent"], out["acked"], out["produceErrors"], out["consumed"], out["consumeErrors"] = seq, acked, produceErrors, consumed, consumeErrors
	return out
}

func exists(path string) bool {
	if path == "" {
		return false
	}
	_, err := os.Stat(path)
	return err == nil
}
