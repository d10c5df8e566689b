using System.Net.Mail;
using Chat.Api.Validation;

namespace Chat.Api.Accounts;

/// <summary>The account rules: what a valid email, password and name are, and their normal forms.</summary>
public static class AccountValidation
{
    public const int PasswordMinLength = 8;
    public const int PasswordMaxLength = 128;
    public const int FullNameMaxLength = 60;
    public const int EmailMaxLength = 254;

    public static string NormalizeEmail(string? email) => (email ?? "").Trim().ToLowerInvariant();

    public static string NormalizeFullName(string? fullName) => (fullName ?? "").Trim();

    public static ValidationErrors Email(this ValidationErrors errors, string normalized) => errors
        .Check(normalized.Length > 0, "email", "Email is required.")
        .Check(normalized.Length == 0 || (normalized.Length <= EmailMaxLength && IsAddress(normalized)), "email", "Email is not a valid address.");

    public static ValidationErrors Password(this ValidationErrors errors, string? password, string field = "password") => errors
        .Check(password is { Length: >= PasswordMinLength and <= PasswordMaxLength }, field,
            $"Password must be {PasswordMinLength} to {PasswordMaxLength} characters.")
        .Check(password is null || !CommonPasswords.Contains(password), field,
            "This password is one of the most common ones, guessed first: choose another.");

    public static ValidationErrors FullName(this ValidationErrors errors, string normalized) => errors
        .Check(normalized.Length is >= 1 and <= FullNameMaxLength, "fullName",
            $"Full name must be 1 to {FullNameMaxLength} characters.");

    // MailAddress accepts display-name forms ("Ann <a@b.c>"); require the bare address itself.
    private static bool IsAddress(string email) =>
        MailAddress.TryCreate(email, out var address) && address.Address == email && !email.Contains(' ');
}
