package io.dualwrite.spring.boot;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.definition.Migration;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.ResolvableType;

/**
 * Registers one {@link DualRepository} bean per {@link Migration} bean, named after it with the suffix
 * {@value #SUFFIX} and typed with the migration's generics, so that application code injects
 * {@code DualRepository<Long, Customer, Subscription>} and reads and writes through it.
 */
final class DualRepositoryRegistrar implements BeanDefinitionRegistryPostProcessor {

    static final String SUFFIX = "DualRepository";

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        if (!(registry instanceof ConfigurableListableBeanFactory beanFactory)) {
            return;
        }
        for (String migrationBean : beanFactory.getBeanNamesForType(Migration.class, true, false)) {
            String name = migrationBean + SUFFIX;
            if (registry.containsBeanDefinition(name)) {
                continue;
            }
            RootBeanDefinition definition = new RootBeanDefinition(DualRepository.class);
            definition.setTargetType(repositoryType(beanFactory, migrationBean));
            definition.setInstanceSupplier(() -> repository(beanFactory, migrationBean));
            definition.setRole(BeanDefinition.ROLE_APPLICATION);
            // A DualRepository bean the application declares itself wins over this one.
            definition.setFallback(true);
            registry.registerBeanDefinition(name, definition);
        }
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}

    /** {@code DualRepository<K, O, N>} with the generics of the migration bean, raw when they cannot be told. */
    private static ResolvableType repositoryType(ConfigurableListableBeanFactory beanFactory, String migrationBean) {
        ResolvableType migrationType =
                beanFactory.getMergedBeanDefinition(migrationBean) instanceof RootBeanDefinition r
                        ? r.getResolvableType().as(Migration.class)
                        : ResolvableType.NONE;
        if (migrationType == ResolvableType.NONE || migrationType.hasUnresolvableGenerics()) {
            return ResolvableType.forClass(DualRepository.class);
        }
        return ResolvableType.forClassWithGenerics(DualRepository.class, migrationType.getGenerics());
    }

    private static DualRepository<?, ?, ?> repository(BeanFactory beanFactory, String migrationBean) {
        Migration<?, ?, ?> migration = beanFactory.getBean(migrationBean, Migration.class);
        return beanFactory.getBean(DualWrite.class).repository(migration.name());
    }
}
