-- Update with CSV: a contact's updated_at moves only when one of its
-- values really changes, so re-importing an unchanged export changes
-- nothing, Updated At included.
ALTER TABLE contacts
  MODIFY updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
    ON UPDATE CURRENT_TIMESTAMP(3);
