// sarama (github.com/IBM/sarama): a SyncProducer (idempotent, acks=all, which sarama allows only
// with one request in flight), a ConsumerGroup and a ClusterAdmin, all told Kafka 4.1 as the
// version to speak (sarama picks its request versions from that).
package main

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// saramaCommands: kdgo sarama COMMAND.
var saramaCommands = map[string]func([]string, Args) any{
	"create":  saramaCreate,
	"produce": saramaProduce,
	"consume": saramaConsume,
}

func saramaConfig(a Args) *sarama.Config {
	c := sarama.NewConfig()
	c.Version = sarama.V4_1_0_0
	c.ClientID = "kdgo-sarama"
	c.Admin.Timeout = a.timeout(30 * time.Second)
	c.Metadata.Retry.Max = 20
	c.Metadata.Retry.Backoff = 250 * time.Millisecond
	return c
}

// saramaErrorName maps the sarama errors the tests expect to Kafka's names, anything else to its text.
func saramaErrorName(err error) *string {
	if err == nil {
		return nil
	}
	names := map[sarama.KError]string{
		sarama.ErrTopicAlreadyExists:       "TOPIC_ALREADY_EXISTS",
		sarama.ErrInvalidReplicationFactor: "INVALID_REPLICATION_FACTOR",
		sarama.ErrNotEnoughReplicas:        "NOT_ENOUGH_REPLICAS",
	}
	for k, name := range names {
		if errors.Is(err, k) {
			return &name
		}
	}
	return errString(err)
}

// create: CreateTopic, the same again (TOPIC_ALREADY_EXISTS), then DescribeTopics.
func saramaCreate(bootstrap []string, a Args) any {
	out := map[string]any{}
	adm, err := sarama.NewClusterAdmin(bootstrap, saramaConfig(a))
	if err != nil {
		out["error"] = errString(err)
		return out
	}
	defer adm.Close()
	rf := a.ReplicationFactor
	if rf == 0 {
		rf = 1
	}
	detail := &sarama.TopicDetail{NumPartitions: a.Partitions, ReplicationFactor: rf}
	out["error"] = saramaErrorName(adm.CreateTopic(a.Topic, detail, false))
	out["again_error"] = saramaErrorName(adm.CreateTopic(a.Topic, detail, false))
	deadline := time.Now().Add(a.timeout(30 * time.Second))
	for {
		metas, err := adm.DescribeTopics([]string{a.Topic})
		var parts []PartitionInfo
		if err == nil && len(metas) == 1 {
			if metas[0].Err != sarama.ErrNoError {
				err = metas[0].Err
			}
			for _, p := range metas[0].Partitions {
				parts = append(parts, PartitionInfo{ID: p.ID, Leader: p.Leader, Replicas: p.Replicas, ISR: p.Isr})
			}
			sort.Slice(parts, func(i, j int) bool { return parts[i].ID < parts[j].ID })
		}
		out["partitions"], out["describe_error"] = parts, saramaErrorName(err)
		if (err == nil && len(parts) == int(a.Partitions) && allLed(parts)) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	brokers, _, err := adm.DescribeCluster()
	ids := []int32{}
	for _, b := range brokers {
		ids = append(ids, b.ID())
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out["brokers"], out["cluster_error"] = ids, errString(err)
	return out
}

func saramaCodec(name string) sarama.CompressionCodec {
	switch name {
	case "gzip":
		return sarama.CompressionGZIP
	case "snappy":
		return sarama.CompressionSnappy
	case "lz4":
		return sarama.CompressionLZ4
	case "zstd":
		return sarama.CompressionZSTD
	}
	return sarama.CompressionNone
}

// produce: every message through one SendMessages call; returns where each landed.
func saramaProduce(bootstrap []string, a Args) any {
	out := map[string]any{"reports": []Report{}, "errors": []string{}}
	c := saramaConfig(a)
	c.Producer.Idempotent = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Net.MaxOpenRequests = 1
	c.Producer.Return.Successes = true
	// A dead leader stays in Kafka's metadata until broker.session.timeout.ms (6 s in the cluster
	// suite) and an election have passed: 10 retries (2.5 s) ran out before that on a slow run.
	c.Producer.Retry.Max = 60
	c.Producer.Retry.Backoff = 250 * time.Millisecond
	c.Producer.Compression = saramaCodec(a.Codec)
	p, err := sarama.NewSyncProducer(bootstrap, c)
	if err != nil {
		out["errors"] = []string{err.Error()}
		return out
	}
	defer p.Close()
	msgs := make([]*sarama.ProducerMessage, len(a.Messages))
	for i, m := range a.Messages {
		msgs[i] = &sarama.ProducerMessage{Topic: a.Topic, Key: sarama.StringEncoder(m.Key), Value: sarama.StringEncoder(m.Value)}
	}
	var errs []string
	failed := map[*sarama.ProducerMessage]bool{}
	if err := p.SendMessages(msgs); err != nil {
		var pe sarama.ProducerErrors
		if errors.As(err, &pe) {
			for _, e := range pe {
				errs = append(errs, e.Err.Error())
				failed[e.Msg] = true
			}
		} else {
			return map[string]any{"reports": []Report{}, "errors": []string{err.Error()}}
		}
	}
	var reports []Report
	for i, m := range msgs {
		if !failed[m] {
			reports = append(reports, Report{Partition: m.Partition, Offset: m.Offset, Key: a.Messages[i].Key, Value: a.Messages[i].Value})
		}
	}
	out["reports"], out["errors"] = nonNil(reports), nonNilStrings(errs)
	return out
}

type collector struct {
	mu      sync.Mutex
	records []Report
	want    int
	done    context.CancelFunc
}

func (*collector) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (*collector) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (c *collector) ConsumeClaim(s sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for m := range claim.Messages() {
		c.mu.Lock()
		c.records = append(c.records, Report{Partition: m.Partition, Offset: m.Offset, Key: string(m.Key), Value: string(m.Value), Timestamp: m.Timestamp.UnixMilli()})
		enough := len(c.records) >= c.want
		c.mu.Unlock()
		s.MarkMessage(m, "")
		if enough {
			s.Commit()
			c.done()
		}
	}
	return nil
}

// consume: joins the group, reads `count` records from the oldest offset, commits, and
// returns the group's committed offsets then (ListConsumerGroupOffsets).
func saramaConsume(bootstrap []string, a Args) any {
	out := map[string]any{"records": []Report{}, "errors": []string{}}
	c := saramaConfig(a)
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	c.Consumer.Offsets.AutoCommit.Enable = false
	c.Consumer.Return.Errors = true
	g, err := sarama.NewConsumerGroup(bootstrap, a.Group, c)
	if err != nil {
		out["errors"] = []string{err.Error()}
		return out
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.timeout(40*time.Second))
	defer cancel()
	col := &collector{want: a.Count, done: cancel}
	var errs []string
	var errMu sync.Mutex
	go func() {
		for e := range g.Errors() {
			errMu.Lock()
			errs = append(errs, e.Error())
			errMu.Unlock()
		}
	}()
	for ctx.Err() == nil {
		if err := g.Consume(ctx, []string{a.Topic}, col); err != nil && ctx.Err() == nil {
			errMu.Lock()
			errs = append(errs, err.Error())
			errMu.Unlock()
			time.Sleep(250 * time.Millisecond)
		}
	}
	if err := g.Close(); err != nil {
		errs = append(errs, "close: "+err.Error())
	}
	committed := [][2]int64{}
	adm, err := sarama.NewClusterAdmin(bootstrap, saramaConfig(a))
	if err == nil {
		defer adm.Close()
		var res *sarama.OffsetFetchResponse
		res, err = adm.ListConsumerGroupOffsets(a.Group, nil)
		if err == nil {
			for p, b := range res.Blocks[a.Topic] {
				committed = append(committed, [2]int64{int64(p), b.Offset})
			}
		}
	}
	if err != nil {
		errs = append(errs, "offsets: "+err.Error())
	}
	sort.Slice(committed, func(i, j int) bool { return committed[i][0] < committed[j][0] })
	errMu.Lock()
	defer errMu.Unlock()
	col.mu.Lock()
	defer col.mu.Unlock()
	out["records"], out["errors"], out["committed"] = nonNil(col.records), nonNilStrings(errs), committed
	return out
}
