// franz-go's admin client (kadm) over one topic a test has produced to and read in a group:
// the calls an operator's Go tooling makes, each answer reduced to what both Kafka and the
// embedded cluster must agree on.
package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// admin: DescribeConfigs, IncrementalAlterConfigs, ListOffsets (earliest, latest, by time),
// DeleteRecords, the group's lag, CreatePartitions, DescribeLogDirs, DescribeProducers and
// DeleteTopics, in that order.
func franzAdmin(bootstrap []string, a Args) any {
	return withAdmin(bootstrap, a.timeout(50*time.Second), func(ctx context.Context, adm *kadm.Client) any {
		return franzAdminWith(ctx, adm, a)
	})
}

func franzAdminWith(ctx context.Context, adm *kadm.Client, a Args) any {
	out := map[string]any{}
	errs := map[string]*string{}

	configs := func() map[string]string {
		m := map[string]string{}
		rc, err := adm.DescribeTopicConfigs(ctx, a.Topic)
		if err == nil && len(rc) == 1 {
			err = rc[0].Err
		}
		if err != nil {
			errs["describe configs"] = kafkaErrorName(err)
			return m
		}
		for _, c := range rc[0].Configs {
			if c.Key == "retention.ms" || c.Key == "cleanup.policy" {
				m[c.Key] = fmt.Sprintf("%s (%s)", c.MaybeValue(), c.Source)
			}
		}
		return m
	}
	out["configs"] = configs()
	hour := "3600000"
	ar, err := adm.AlterTopicConfigs(ctx, []kadm.AlterConfig{{Op: kadm.SetConfig, Name: "retention.ms", Value: &hour}}, a.Topic)
	if err == nil && len(ar) == 1 {
		err = ar[0].Err
	}
	errs["alter configs"] = kafkaErrorName(err)
	out["configsAfterAlter"] = configs()

	listed := func(what string, l kadm.ListedOffsets, err error) map[int32]int64 {
		m := map[int32]int64{}
		if err == nil {
			err = l.Error()
		}
		if err != nil {
			errs[what] = kafkaErrorName(err)
			return m
		}
		l.Each(func(o kadm.ListedOffset) { m[o.Partition] = o.Offset })
		return m
	}
	start, err := adm.ListStartOffsets(ctx, a.Topic)
	out["start"] = listed("list start", start, err)
	end, err := adm.ListEndOffsets(ctx, a.Topic)
	out["end"] = listed("list end", end, err)
	afterPast, err := adm.ListOffsetsAfterMilli(ctx, time.Now().Add(-time.Hour).UnixMilli(), a.Topic)
	out["afterAnHourAgo"] = listed("list after an hour ago", afterPast, err)
	afterFuture, err := adm.ListOffsetsAfterMilli(ctx, time.Now().Add(time.Hour).UnixMilli(), a.Topic)
	out["afterAnHourFromNow"] = listed("list after an hour from now", afterFuture, err)

	dr, err := adm.DeleteRecords(ctx, kadm.Offsets{a.Topic: {0: {Topic: a.Topic, Partition: 0, At: 2, LeaderEpoch: -1}}})
	if err == nil {
		if r, ok := dr.Lookup(a.Topic, 0); ok {
			err = r.Err
			out["lowWatermark"] = r.LowWatermark
		}
	}
	errs["delete records"] = kafkaErrorName(err)
	startAfter, err := adm.ListStartOffsets(ctx, a.Topic)
	out["startAfterDelete"] = listed("list start after delete", startAfter, err)

	lags, err := adm.Lag(ctx, a.Group)
	if err == nil {
		if l, ok := lags[a.Group]; ok {
			err = l.Error()
			lag := map[int32]int64{}
			for _, m := range l.Lag.Sorted() {
				if m.Topic == a.Topic {
					lag[m.Partition] = m.Lag
				}
			}
			out["groupState"], out["lag"] = l.State, lag
		}
	}
	errs["lag"] = kafkaErrorName(err)

	cp, err := adm.CreatePartitions(ctx, 2, a.Topic)
	if err == nil {
		if r, ok := cp[a.Topic]; ok {
			err = r.Err
		}
	}
	errs["create partitions"] = kafkaErrorName(err)
	parts := 0
	for ctx.Err() == nil {
		_, ps, err := describe(ctx, adm, a.Topic)
		if parts = len(ps); err == nil && parts == int(a.Partitions)+2 && allLed(ps) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	out["partitionsAfterCreate"] = parts

	set := kadm.TopicsSet{}
	for p := int32(0); p < a.Partitions; p++ {
		set.Add(a.Topic, p)
	}
	dirs, err := adm.DescribeAllLogDirs(ctx, set)
	sizes := map[int32]int64{}
	if err == nil {
		dirs.Each(func(d kadm.DescribedLogDir) {
			if d.Err != nil {
				err = d.Err
			}
			d.Topics.Each(func(p kadm.DescribedLogDirPartition) { sizes[p.Partition] += p.Size })
		})
	}
	errs["describe log dirs"], out["logDirBytes"] = kafkaErrorName(err), sizes

	producers, err := adm.DescribeProducers(ctx, set)
	seen := map[int32][]int32{}
	if err == nil {
		producers.EachProducer(func(p kadm.DescribedProducer) { seen[p.Partition] = append(seen[p.Partition], p.LastSequence) })
		for _, s := range seen {
			sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		}
	}
	errs["describe producers"], out["producerLastSequences"] = kafkaErrorName(err), seen

	dt, err := adm.DeleteTopics(ctx, a.Topic)
	if err == nil {
		if r, ok := dt[a.Topic]; ok {
			err = r.Err
		}
	}
	errs["delete topic"] = kafkaErrorName(err)
	for ctx.Err() == nil {
		_, _, err := describe(ctx, adm, a.Topic)
		if err != nil {
			out["describeAfterDelete"] = kafkaErrorName(err)
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	out["errors"] = errs
	return out
}
