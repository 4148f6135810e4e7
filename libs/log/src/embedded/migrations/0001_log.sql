-- The embedded log: Kafka's topic / partition / offset model in tables, for a single machine.

CREATE TABLE topics (
  name        text        PRIMARY KEY,
  partitions  int         NOT NULL CHECK (partitions > 0),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per partition: the offset the next appended record gets. Appenders lock this row for
-- the rest of their transaction, so records of one partition commit in offset order, without gaps.
CREATE TABLE partitions (
  topic        text   NOT NULL REFERENCES topics (name),
  partition    int    NOT NULL CHECK (partition >= 0),
  next_offset  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (topic, partition)
);

-- The records, immutable once written. appended_at is the record time (Kafka's LogAppendTime).
-- The size cap matches the Kafka topics' max.message.bytes, so both engines refuse the same message.
CREATE TABLE records (
  topic        text        NOT NULL,
  partition    int         NOT NULL,
  "offset"     bigint      NOT NULL,
  key          text,
  value        bytea       CHECK (octet_length(value) <= 8388608),
  headers      jsonb       NOT NULL DEFAULT '{}',
  appended_at  timestamptz NOT NULL,
  PRIMARY KEY (topic, partition, "offset"),
  FOREIGN KEY (topic, partition) REFERENCES partitions (topic, partition)
);

CREATE FUNCTION records_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'log records are immutable (%[%] offset %)', OLD.topic, OLD.partition, OLD."offset";
END $$;
CREATE TRIGGER records_immutable BEFORE UPDATE ON records FOR EACH ROW EXECUTE FUNCTION records_are_immutable();

-- A consumer group on a topic. Its id keys the session advisory lock that lets one subscriber of
-- the group consume at a time.
CREATE TABLE consumer_groups (
  id        int  GENERATED ALWAYS AS IDENTITY UNIQUE,
  group_id  text NOT NULL,
  topic     text NOT NULL REFERENCES topics (name),
  PRIMARY KEY (group_id, topic)
);

-- Where each group's active subscriber stands, for lag tools. Informational, like the offsets the
-- Kafka adapter commits: a consumer starts from its own stored offsets.
CREATE TABLE group_positions (
  group_id     text        NOT NULL,
  topic        text        NOT NULL,
  partition    int         NOT NULL,
  next_offset  bigint      NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic, partition)
);
