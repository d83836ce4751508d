package foresight.db.customer;

/** A known caller. {@code phone} is normalised (digits and a leading '+'). */
public record Customer(long id, String phone, String firstName, String lastName, String tier) {}
