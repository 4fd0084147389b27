package io.ledgerjdbc.ledger.entry;

/** One change inside an entry: a row change or a DDL statement. The kind byte is its tag in the encoding. */
public sealed interface Change permits RowChange, DdlChange {

    int KIND_ROW = 1;
    int KIND_DDL = 2;
}
