package io.dualwrite.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A customer service that runs two migrations with dualwrite: customers' single subscription moves from columns of
 * the customer row to a subscription table, and their full names are split into first and last names.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
