/** Implementation details of the testkit; not API, may change without notice. */
package io.kafkautility.testkit.internal;
