package io.dualwrite.sample;

/** The new representation: the customer's name split into first and last name, in its own table. */
public record CustomerName(long customerId, String firstName, String lastName) {

    /** Splits at the first space: "Ada King Lovelace" becomes "Ada" and "King Lovelace". */
    public static CustomerName of(Customer customer) {
        String fullName = customer.fullName().strip();
        int space = fullName.indexOf(' ');
        return space < 0
                ? new CustomerName(customer.id(), fullName, "")
                : new CustomerName(
                        customer.id(),
                        fullName.substring(0, space),
                        fullName.substring(space + 1).strip());
    }

    /** The name in one piece again: the first name, a space and the last name (the first name alone when no last). */
    public String fullName() {
        return lastName.isEmpty() ? firstName : firstName + " " + lastName;
    }
}
