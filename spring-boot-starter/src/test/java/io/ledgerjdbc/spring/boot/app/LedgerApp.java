package io.ledgerjdbc.spring.boot.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application as a user writes it: nothing LedgerJDBC-specific but its properties. */
@SpringBootApplication
public class LedgerApp {
}
