-- Every batch asks which threats its events trigger or carry out (threats_v1.triggered_by and
-- executed_by = ANY(the batch's event ids)); without an index that read every threat, batch after
-- batch (a growing table: about 3 of every 100 events are threats). Most threats are neither
-- triggered nor carried out, so the indexes hold only those that are.
CREATE INDEX threats_v1_triggered_by ON threats_v1 (triggered_by) WHERE triggered_by IS NOT NULL;
CREATE INDEX threats_v1_executed_by ON threats_v1 (executed_by) WHERE executed_by IS NOT NULL;
