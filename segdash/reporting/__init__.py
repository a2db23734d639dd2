"""The reporting round: forms per office, who has reported, reminders."""
