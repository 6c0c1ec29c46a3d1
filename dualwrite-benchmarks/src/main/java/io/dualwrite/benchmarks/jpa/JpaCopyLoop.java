package io.dualwrite.benchmarks.jpa;

import io.dualwrite.benchmarks.Names;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

/**
 * The copy a team writes by hand without dualwrite: Spring Data JPA {@code findAll(page)} over OLD, map, and
 * {@code saveAll} into NEW, page after page. The baseline the engine must beat by an order of magnitude.
 */
@SpringBootApplication
public class JpaCopyLoop {

    private static DataSource dataSource;

    /** The benchmark's data source, which outlives this context: Spring must not close it. */
    @Bean(destroyMethod = "")
    DataSource dataSource() {
        return dataSource;
    }

    /** Starts the JPA context on a data source; the start-up is not part of the measured copy. */
    public static ConfigurableApplicationContext start(DataSource source) {
        dataSource = source;
        SpringApplication application = new SpringApplication(JpaCopyLoop.class);
        application.setDefaultProperties(java.util.Map.of(
                "spring.main.web-application-type", "none",
                "spring.main.banner-mode", "off",
                "spring.jpa.hibernate.ddl-auto", "none",
                "spring.jpa.open-in-view", "false",
                "logging.level.root", "WARN"));
        return application.run();
    }

    /** Copies every OLD row to NEW in pages of {@code pageSize}; returns the rows copied. */
    public static long copy(ConfigurableApplicationContext context, int pageSize) {
        {
            BenchOldRepository olds = context.getBean(BenchOldRepository.class);
            BenchNewRepository news = context.getBean(BenchNewRepository.class);
            long copied = 0;
            Page<BenchOld> page;
            int number = 0;
            do {
                page = olds.findAll(PageRequest.of(number++, pageSize, Sort.by("id")));
                List<BenchNew> mapped = page.stream()
                        .map(old -> {
                            String[] name = Names.split(old.getFullName());
                            return new BenchNew(old.getId(), name[0], name[1]);
                        })
                        .toList();
                news.saveAll(mapped);
                copied += mapped.size();
            } while (page.hasNext());
            return copied;
        }
    }
}
