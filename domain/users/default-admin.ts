// The admin password Eventix uses outside production when ADMIN_PASSWORD is unset; apart from the account code so
// `npm start` can print it without loading the password-hashing library.
export const DEFAULT_ADMIN_PASSWORD = 'admin123';
