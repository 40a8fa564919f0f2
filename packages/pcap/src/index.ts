// Placeholder until the pcap package lands.
export {};
