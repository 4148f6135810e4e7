-- Dyad cells are now additive upserts (a batch adds its contributions, a correction takes the old
-- ones back) with the sum's scale trimmed, so that any order of additions reads like a fresh fold.
-- Cells written by the earlier re-aggregation get the same form.
UPDATE dyads_v1 SET goldstein_sum = trim_scale(goldstein_sum) WHERE scale(goldstein_sum) <> scale(trim_scale(goldstein_sum));
