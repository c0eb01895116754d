-- Slot search at practice scale (docs/decisions/0011-slot-search.md). One clinician's free slots
-- of a week, in start order, read straight from one index range: no filter on status, no sort.
-- (Numbered 0006: 0005 is taken on another branch.)
-- The picker's search over every clinician reads slot_status_start (status, start_at, id), from 0002.
CREATE INDEX slot_schedule_status_start ON slot (schedule_id, status, start_at, id);
