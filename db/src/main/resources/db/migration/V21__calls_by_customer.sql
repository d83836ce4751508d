-- At every INVITE the predictor reads the caller's last labelled calls (CallRepository.pastCalls): without this
-- index that was a scan of the whole calls table.
create index calls_by_customer on calls(customer_id, started_at);
