// Placeholder until the detect package lands.
export {};
